import { describe, expect, it } from 'vitest';
import { describeProblem } from '../../../src/renderer/problems/describe-problem.ts';
import type { ItemView } from '../../../src/shared/feed-protocol.ts';

const now = new Date(2026, 10, 21, 9, 0, 0).getTime();

function problemOf(
  state: ItemView['state'],
  errorCode: string | null,
  fields: Partial<ItemView> = {},
) {
  return describeProblem(
    {
      state,
      errorCode,
      errorMessage: errorCode ? 'SharePoint refused site-plan.pdf' : null,
      nextAttemptAt: null,
      attempts: 1,
      ...fields,
    },
    now,
  );
}

describe('problems written for people', () => {
  it('says what happened, that SiteDrop retries at HH:MM by itself, and that nobody needs to act', () => {
    const problem = problemOf('retrying', 'graph.unavailable', {
      nextAttemptAt: new Date(2026, 10, 21, 9, 5, 0).getTime(),
    });
    expect(problem).toMatchObject({
      whatHappened: 'SharePoint refused site-plan.pdf.',
      needsPerson: false,
    });
    expect(problem?.whatNext).toMatch(/^SiteDrop will try again at 0?9.05( AM)?, by itself\.$/);
    expect(problem?.whatYouCanDo).toContain('service health');
  });

  it('gives advice by error family while retrying', () => {
    expect(problemOf('retrying', 'graph.throttled')?.whatYouCanDo).toContain('slow down');
    expect(problemOf('retrying', 'network.failed')?.whatYouCanDo).toContain('online');
    expect(problemOf('retrying', 'graph.server-error')?.whatYouCanDo).toContain('service health');
    expect(problemOf('retrying', 'auth.rejected')?.whatYouCanDo).toContain('mention the code');
    expect(problemOf('retrying', null)?.whatNext).toBe('SiteDrop will try again shortly.');
  });

  it('says a failed file needs a person, and which person and what to do, by error family', () => {
    const cases: [string, string][] = [
      ['auth.aadsts-7000215', 'Test connection'],
      ['config.unknown-column', 'correct the SharePoint settings'],
      ['graph.forbidden', 'write access'],
      ['graph.quota-exceeded', 'storage quota'],
      ['graph.conflict', 'same name'],
      ['graph.too-large', 'larger than SharePoint accepts'],
      ['verify.mismatch', 'Press Retry'],
    ];
    for (const [code, advice] of cases) {
      const problem = problemOf('failed', code);
      expect(problem?.needsPerson, code).toBe(true);
      expect(problem?.whatNext, code).toContain('will not try again by itself');
      expect(problem?.whatYouCanDo, code).toContain(advice);
    }
  });

  it('explains quarantined, gone and cancelled files, and has nothing to say about others', () => {
    expect(problemOf('quarantined', 'input.quarantined')?.whatYouCanDo).toContain(
      'drop it into the watched folder again',
    );
    expect(problemOf('gone', null)?.whatHappened).toContain('removed or renamed');
    expect(problemOf('cancelled', null)?.whatYouCanDo).toContain('Retry');
    for (const state of ['queued', 'uploading', 'verifying', 'delivered', 'skipped'] as const) {
      expect(problemOf(state, null), state).toBeUndefined();
    }
  });
});
