import { BrokenCircuitError } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../../../../src/shared/config-schema.ts';
import {
  classifyAttemptFailure,
  nextStateAfterFailure,
  type FailureContext,
} from '../../../../../../src/main/core/delivery/outcomes/next-state-after-failure.ts';
import {
  DeliveryError,
  classifyHttpFailure,
  type DeliveryErrorKind,
} from '../../../../../../src/main/core/delivery/errors.ts';

const minute = 60_000;
const day = 86_400_000;
const queuedAt = 1_000_000;

/** Stored retries from 1 min doubling to 1 h, no jitter, given up 7 days after queueing. */
function contextFor(attempts: number, now = queuedAt + minute): FailureContext {
  return {
    attempts,
    firstQueuedAt: queuedAt,
    now,
    config: ConfigSchema.parse({
      delivery: {
        retry: { storedDelayMinMs: minute, storedDelayMaxMs: 60 * minute, maxAgeMs: 7 * day },
      },
    }),
    breakerProbeAt: now + 30_000,
    breakerDetail: 'Paused after repeated failures',
    random: () => 0.5,
  };
}

const http = (status: number, retryAfterMs?: number) =>
  classifyHttpFailure(status, null, null, retryAfterMs, { action: 'uploading a.txt' });
const error = (kind: DeliveryErrorKind, code: string) => new DeliveryError(code, { kind, code });

/** What follows a failed attempt: [failure, attempts so far, next state, wait from now (ms)]. */
const table: [string, DeliveryError, number, string, number | null][] = [
  ['403 forbidden', http(403), 1, 'failed', null],
  ['404 not found', http(404), 1, 'failed', null],
  ['409 name conflict (conflict fail)', error('permanent', 'graph.conflict'), 1, 'failed', null],
  ['507 quota exceeded', http(507), 1, 'failed', null],
  ['verify.mismatch', error('permanent', 'verify.mismatch'), 1, 'failed', null],
  ['config.unknown-column', error('config', 'config.unknown-column'), 1, 'failed', null],
  ['503 without Retry-After, first attempt', http(503), 1, 'retrying', minute],
  ['500, third attempt', http(500), 3, 'retrying', 4 * minute],
  [
    'network.failed, twentieth attempt',
    error('transient', 'network.failed'),
    20,
    'retrying',
    60 * minute,
  ],
  [
    '429 with Retry-After 10 s (in process: stored backoff)',
    http(429, 10_000),
    1,
    'retrying',
    minute,
  ],
  ['429 with Retry-After 120 s, waited exactly', http(429, 120_000), 5, 'retrying', 120_001],
  [
    'auth.aadsts-7000222, second attempt',
    error('auth', 'auth.aadsts-7000222'),
    2,
    'retrying',
    2 * minute,
  ],
];

describe('the state that follows a failed attempt', () => {
  it.each(table)('%s after %i attempts → %s', (_name, failure, attempts, state, waitMs) => {
    const context = contextFor(attempts);
    const next = nextStateAfterFailure({ kind: 'error', error: failure, isBug: false }, context);
    expect(next.state).toBe(state);
    expect(next.outcome).toBe(state);
    expect('nextAttemptAt' in next ? next.nextAttemptAt - context.now : null).toBe(waitMs);
  });

  it('holds all delivery after an auth failure, for the item’s wait', () => {
    const next = nextStateAfterFailure(
      { kind: 'error', error: error('auth', 'auth.rejected'), isBug: false },
      contextFor(1),
    );
    expect(next).toMatchObject({ state: 'retrying', isAuthHold: true, waitMs: minute });
    const transient = nextStateAfterFailure(
      { kind: 'error', error: http(503), isBug: false },
      contextFor(1),
    );
    expect(transient).toMatchObject({ isAuthHold: false });
  });

  it('gives up when the next wait would end after retry.maxAgeMs, saying how long it tried', () => {
    const next = nextStateAfterFailure(
      { kind: 'error', error: http(503), isBug: false },
      contextFor(30, queuedAt + 7 * day - 30 * minute),
    );
    expect(next).toMatchObject({ state: 'failed', outcome: 'failed' });
    expect(next.state === 'failed' && next.errorMessage).toMatch(
      /^Gave up after 7 days of retries: /,
    );
  });

  it('lets an item caught by an open breaker wait for the probe without using up an attempt', () => {
    const context = contextFor(3);
    const next = nextStateAfterFailure(
      classifyAttemptFailure(new BrokenCircuitError(), notAborted),
      context,
    );
    expect(next).toEqual({
      outcome: 'deferred',
      state: 'retrying',
      isSessionDropped: false,
      nextAttemptAt: context.breakerProbeAt,
      attempts: 2,
      errorCode: 'connection.paused',
      errorMessage: 'Waiting for SharePoint to recover: Paused after repeated failures',
    });
  });

  it('cancels an aborted attempt a person cancelled, and requeues one that close() interrupted', () => {
    const cause = new Error('aborted');
    const cancelled = classifyAttemptFailure(cause, { isAborted: true, isCancelRequested: true });
    const interrupted = classifyAttemptFailure(cause, {
      isAborted: true,
      isCancelRequested: false,
    });
    expect(nextStateAfterFailure(cancelled, contextFor(1))).toMatchObject({
      state: 'cancelled',
      isSessionDropped: true,
    });
    expect(nextStateAfterFailure(interrupted, contextFor(1))).toMatchObject({
      state: 'queued',
      outcome: 'interrupted',
      isSessionDropped: false,
    });
  });

  it('treats an unexpected error as a transient bug, retried later', () => {
    const failure = classifyAttemptFailure(new TypeError('x is undefined'), notAborted);
    expect(failure).toMatchObject({ kind: 'error', isBug: true });
    expect(nextStateAfterFailure(failure, contextFor(1))).toMatchObject({
      state: 'retrying',
      failure: { code: 'internal.unexpected' },
    });
  });
});

const notAborted = { isAborted: false, isCancelRequested: false };
