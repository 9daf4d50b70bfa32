import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeProblem } from '../../../src/renderer/problems/describe-problem.ts';
import { catalogueCodes } from '../../../src/renderer/problems/problem-catalogue.ts';
import type { ItemView } from '../../../src/shared/feed-protocol.ts';

const now = new Date(2026, 10, 21, 9, 0, 0).getTime();

/** What the agent writes: codes, HTTP status, Graph's code and instructions for an admin. */
const agentMessage =
  'A file with this name already exists while uploading permit.pdf and the folder\'s conflict setting is "fail": rename or remove the file in SharePoint, or set conflict to "rename" or "replace", then press Retry (409 nameAlreadyExists)';

function problemOf(
  state: ItemView['state'],
  errorCode: string | null,
  fields: Partial<ItemView> = {},
) {
  return describeProblem(
    {
      state,
      errorCode,
      errorMessage: errorCode ? agentMessage : null,
      nextAttemptAt: null,
      attempts: 1,
      ...fields,
    },
    now,
  );
}

/** Developer words that must never reach "What happened" or "What you can do". */
const developerWords =
  /\(\d{3}|nameAlreadyExists|conflict setting is|Sites\.Selected|docs\/|ISO-8601|\[\d+\]\.|\bHTTP\b/;

describe('problems written for people', () => {
  it('says what happened in one plain sentence by code, and keeps the agent’s words for the admin', () => {
    const problem = problemOf('failed', 'graph.conflict');
    expect(problem?.whatHappened).toBe(
      'A file with the same name is already in SharePoint, and “When a file with the same name exists” is set to “Do not upload; report it”.',
    );
    expect(problem?.detailsForAdmin).toContain('409 nameAlreadyExists');
    expect(problem?.primaryAction).toBe('open-settings');
    // No "rename it and drop it again, then press Retry": the advice does not contradict itself.
    expect(problem?.whatYouCanDo).not.toMatch(/drop it again/);
  });

  it('never shows codes, statuses, field paths or admin instructions as the first sentences', () => {
    const states = ['retrying', 'failed', 'quarantined'] as const;
    for (const code of [...catalogueCodes, 'auth.rejected', 'config.invalid', 'x.unknown', null]) {
      for (const state of states) {
        const problem = problemOf(state, code);
        expect(problem?.whatHappened, `${state} ${code}`).not.toMatch(developerWords);
        expect(problem?.whatYouCanDo, `${state} ${code}`).not.toMatch(developerWords);
      }
    }
  });

  it('gives each kind of error one primary action', () => {
    const cases: [ItemView['state'], string | null, string | null][] = [
      ['retrying', 'graph.unavailable', 'try-now'],
      ['retrying', 'graph.throttled', 'try-now'],
      ['retrying', 'connection.paused', 'try-now'],
      ['retrying', 'network.failed', 'try-now'],
      ['retrying', 'auth.aadsts-7000222', 'open-settings'],
      ['retrying', 'auth.no-token', 'sign-in'],
      ['failed', 'graph.forbidden', 'retry'],
      ['failed', 'config.library-not-found', 'open-settings'],
      ['failed', 'graph.unavailable', 'retry'],
      ['failed', 'graph.too-large', 'retry'],
      ['quarantined', 'input.invalid-request', 'show-note'],
      ['cancelled', null, 'retry'],
      ['gone', null, null],
    ];
    for (const [state, code, action] of cases) {
      expect(problemOf(state, code)?.primaryAction, `${state} ${code}`).toBe(action);
    }
  });

  it('says that SiteDrop retries at HH:MM by itself, and that nobody needs to act', () => {
    const problem = problemOf('retrying', 'graph.unavailable', {
      nextAttemptAt: new Date(2026, 10, 21, 9, 5, 0).getTime(),
    });
    expect(problem).toMatchObject({
      whatHappened: 'SharePoint is not available at the moment.',
      needsPerson: false,
    });
    expect(problem?.whatNext).toMatch(/^SiteDrop will try again at 0?9.05( AM)?, by itself\.$/);
    expect(problemOf('retrying', null)?.whatNext).toBe('SiteDrop will try again shortly.');
  });

  it('explains set-aside, gone and cancelled files, and has nothing to say about others', () => {
    expect(problemOf('quarantined', 'input.quarantined')?.whatYouCanDo).toContain(
      'drop it into the watched folder again',
    );
    expect(problemOf('gone', null)?.whatHappened).toContain('removed or renamed');
    expect(problemOf('cancelled', null)?.whatYouCanDo).toContain('Retry');
    for (const state of ['queued', 'uploading', 'verifying', 'delivered', 'skipped'] as const) {
      expect(problemOf(state, null), state).toBeUndefined();
    }
  });

  it('has a sentence of its own for every SharePoint and check code the agent writes', () => {
    const root = path.resolve(import.meta.dirname, '../../../src/main/core');
    const codes = new Set<string>();
    for (const file of fs.readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      for (const match of text.matchAll(/'((?:graph|verify|input)\.[a-z0-9-]+)'/g)) {
        codes.add(match[1]!);
      }
    }
    expect(codes.size).toBeGreaterThan(10);
    const missing = [...codes].filter((code) => !catalogueCodes.includes(code));
    expect(missing).toEqual([]);
  });
});
