import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../tools/graph-emulator/index.ts';
import {
  CaseTally,
  completedSimpleUploads,
  countCaseFigures,
  libraryPathOf,
  type CaseOutcome,
  type EndedItem,
  type LossFigures,
} from './case-figures.ts';

/** An item of folder "requests" in a state, delivered to the same name when delivered. */
function item(
  relativePath: string,
  state: string,
  lastErrorMessage: string | null = null,
): EndedItem {
  return {
    folderId: 'requests',
    relativePath,
    state,
    lastErrorMessage,
    remotePath: state === 'delivered' ? relativePath : null,
  };
}

/** A case where every dropped file arrived once and the agent stopped when asked. */
function cleanOutcome(): CaseOutcome {
  return {
    dropped: [
      { folderId: 'requests', relativePath: 'a.pdf' },
      { folderId: 'requests', relativePath: 'b.pdf' },
    ],
    remoteFiles: ['a.pdf', 'b.pdf'],
    uploads: ['a.pdf', 'b.pdf'],
    items: [item('a.pdf', 'delivered'), item('b.pdf', 'delivered')],
    agents: [{ kind: 'process', exitCode: 0, signal: null, isStopRequested: true }],
  };
}

function figuresOf(outcome: CaseOutcome): LossFigures {
  const { lost, duplicated, crashes } = countCaseFigures(outcome);
  return { lost, duplicated, crashes };
}

describe('the reliability figures are counted from what happened', () => {
  it('counts nothing when every file arrived once and the agent stopped cleanly', () => {
    expect(countCaseFigures(cleanOutcome())).toEqual({
      lost: 0,
      duplicated: 0,
      crashes: 0,
      problems: [],
    });
  });

  it('counts a dropped file that is neither in the library nor explained as lost', () => {
    const outcome = { ...cleanOutcome(), remoteFiles: ['a.pdf'], uploads: ['a.pdf'] };
    expect(countCaseFigures(outcome)).toMatchObject({
      lost: 1,
      duplicated: 0,
      crashes: 0,
      problems: [
        'lost: requests/b.pdf is in the library under no delivered item, and no item says why (delivered)',
      ],
    });
    // An item still waiting does not explain it, nor does having no item at all.
    const waiting = [item('a.pdf', 'delivered'), item('b.pdf', 'retrying', 'SharePoint is busy')];
    expect(figuresOf({ ...outcome, items: waiting }).lost).toBe(1);
    expect(figuresOf({ ...cleanOutcome(), items: [item('a.pdf', 'delivered')] })).toEqual({
      lost: 1,
      duplicated: 1,
      crashes: 0,
    });
  });

  it('counts a file in the library whose item never says delivered as lost, not arrived', () => {
    const stuck = [item('a.pdf', 'delivered'), item('b.pdf', 'uploading')];
    expect(figuresOf({ ...cleanOutcome(), items: stuck })).toEqual({
      lost: 1,
      duplicated: 1,
      crashes: 0,
    });
  });

  it('does not count a file the user was told about (quarantined or failed, with the reason)', () => {
    const outcome: CaseOutcome = {
      ...cleanOutcome(),
      remoteFiles: ['a.pdf'],
      uploads: ['a.pdf'],
      items: [item('a.pdf', 'delivered'), item('b.pdf', 'quarantined', 'not valid JSON')],
    };
    expect(figuresOf(outcome)).toEqual({ lost: 0, duplicated: 0, crashes: 0 });
    // Without a reason the user is not told: it counts as lost.
    const silent = outcome.items.map((ended) => ({ ...ended, lastErrorMessage: null }));
    expect(figuresOf({ ...outcome, items: silent }).lost).toBe(1);
  });

  it('counts a second upload, a conflict copy in the library and a second item as duplicates', () => {
    expect(figuresOf({ ...cleanOutcome(), uploads: ['a.pdf', 'b.pdf', 'a.pdf'] })).toEqual({
      lost: 0,
      duplicated: 1,
      crashes: 0,
    });
    expect(figuresOf({ ...cleanOutcome(), remoteFiles: ['a.pdf', 'b.pdf', 'a 1.pdf'] })).toEqual({
      lost: 0,
      duplicated: 1,
      crashes: 0,
    });
    const twice = [...cleanOutcome().items, item('b.pdf', 'queued')];
    expect(figuresOf({ ...cleanOutcome(), items: twice })).toEqual({
      lost: 0,
      duplicated: 1,
      crashes: 0,
    });
  });

  it('tells two local files apart by case, as the file system does, and follows a rename', () => {
    // "Case.txt" and "case.txt" both arrive, one under the name SharePoint's conflict rule gave.
    const outcome: CaseOutcome = {
      dropped: [
        { folderId: 'names', relativePath: 'Case.txt' },
        { folderId: 'names', relativePath: 'case.txt' },
      ],
      remoteFiles: ['Names/Case.txt', 'Names/case 1.txt'],
      uploads: ['Names/Case.txt', 'Names/case.txt'],
      items: [
        { ...item('Case.txt', 'delivered'), folderId: 'names', remotePath: 'Names/Case.txt' },
        { ...item('case.txt', 'delivered'), folderId: 'names', remotePath: 'Names/case 1.txt' },
      ],
      agents: [],
    };
    expect(figuresOf(outcome)).toEqual({ lost: 0, duplicated: 0, crashes: 0 });
  });

  it('finds where an item sits in its library from its link', () => {
    expect(
      libraryPathOf(
        'https://contoso.sharepoint.com/sites/Office/Documents/Names/plan_%20v2_.pdf',
        'Documents',
      ),
    ).toBe('Names/plan_ v2_.pdf');
    expect(libraryPathOf(null, 'Documents')).toBeNull();
  });

  it('counts an agent that ended by itself, or failed its stop, or threw in the test process', () => {
    const agents: CaseOutcome['agents'] = [
      { kind: 'process', exitCode: 1, signal: null, isStopRequested: false },
      { kind: 'process', exitCode: null, signal: 'SIGSEGV', isStopRequested: false },
      { kind: 'process', exitCode: 1, signal: null, isStopRequested: true },
      { kind: 'process', exitCode: 0, signal: null, isStopRequested: true },
      { kind: 'in-process', errors: [new Error('unhandled rejection')] },
      { kind: 'in-process', errors: [] },
    ];
    expect(figuresOf({ ...cleanOutcome(), agents })).toEqual({
      lost: 0,
      duplicated: 0,
      crashes: 4,
    });
  });

  it('reads completed simple uploads from the request log, not refused or dropped ones', () => {
    const request = (path: string, status: number, aborted = false): RequestRecord => ({
      sequence: 1,
      method: 'PUT',
      path,
      status,
      startedAt: 0,
      endedAt: 0,
      aborted,
      userAgent: undefined,
      clientRequestId: undefined,
      retryAfter: undefined,
      faultId: undefined,
    });
    expect(
      completedSimpleUploads([
        request('/v1.0/drives/b!x/root:/late.pdf:/content', 503),
        request('/v1.0/drives/b!x/root:/late.pdf:/content', 201),
        request('/v1.0/drives/b!x/root:/Site%20A/caf%C3%A9.pdf:/content', 200),
        request('/v1.0/drives/b!x/root:/gone.pdf:/content', 0, true),
        request('/v1.0/drives/b!x/root:/Site%20A', 200),
      ]),
    ).toEqual(['late.pdf', 'Site A/café.pdf']);
  });
});

describe('a suite reports totals only when every case passed', () => {
  it('sums the cases that passed and lists the skipped', () => {
    const tally = new CaseTally<LossFigures>();
    tally.record('one', { lost: 0, duplicated: 1, crashes: 0 });
    tally.finish('one', 'pass');
    tally.record('two', { lost: 2, duplicated: 0, crashes: 1 });
    tally.finish('two', 'pass');
    tally.finish('three', 'skip');
    expect(tally.summarize()).toEqual({
      isComplete: true,
      totals: { lost: 2, duplicated: 1, crashes: 1 },
      byCase: {
        one: { lost: 0, duplicated: 1, crashes: 0 },
        two: { lost: 2, duplicated: 0, crashes: 1 },
        three: 'skipped',
      },
    });
  });

  it('claims no totals when a case failed, or ended before it counted', () => {
    const tally = new CaseTally<LossFigures>();
    tally.record('counted then failed', { lost: 1, duplicated: 0, crashes: 0 });
    tally.finish('counted then failed', 'fail');
    tally.finish('timed out', 'fail');
    tally.finish('passed without counting', 'pass');
    tally.record('passed', { lost: 0, duplicated: 0, crashes: 0 });
    tally.finish('passed', 'pass');
    expect(tally.summarize()).toEqual({
      isComplete: false,
      failed: ['counted then failed', 'timed out', 'passed without counting'],
      byCase: {
        'counted then failed': { lost: 1, duplicated: 0, crashes: 0 },
        'timed out': 'failed',
        'passed without counting': 'failed',
        passed: { lost: 0, duplicated: 0, crashes: 0 },
      },
    });
  });

  it('knows how each test ended when it begins a case inside one', () => {
    // This test passes, so a tally begun in it records a pass once it has finished; the check
    // runs in the next test.
    passedTally.begin('this test')({ lost: 0, duplicated: 0, crashes: 0 });
  });

  it('… and records that pass', () => {
    expect(passedTally.summarize()).toMatchObject({
      isComplete: true,
      byCase: { 'this test': { lost: 0, duplicated: 0, crashes: 0 } },
    });
  });
});

const passedTally = new CaseTally<LossFigures>();
