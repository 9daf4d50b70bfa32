import type { Config } from '../../../../shared/config-schema.ts';
import { LocalFileChangedError, LocalFileGoneError } from '../deliver-item.ts';
import { DeliveryError, signInRequiredCode } from '../errors.ts';
import { HashPendingError } from '../hash-check.ts';
import { inProcessWaitLimitMs, isBreakerOpenError } from '../resilience/index.ts';
import { storedDelayMs } from '../resilience/index.ts';

/** A failed attempt, classified once: what it met, whatever threw it. */
export type AttemptFailure =
  | { kind: 'cancelled' }
  | { kind: 'interrupted' }
  | { kind: 'gone' }
  | { kind: 'changed'; sizeBytes: number; mtimeMs: number }
  | { kind: 'hash-pending'; pending: HashPendingError }
  | { kind: 'breaker-open' }
  /** `isBug`: not a DeliveryError, wrapped as a transient `internal.unexpected`. */
  | { kind: 'error'; error: DeliveryError; isBug: boolean };

/**
 * Classifies what an attempt threw. An aborted attempt is a cancellation (when a person asked
 * for it) or an interruption (close()), whatever error the abort surfaced as.
 */
export function classifyAttemptFailure(
  error: unknown,
  abort: { isAborted: boolean; isCancelRequested: boolean },
): AttemptFailure {
  if (abort.isAborted) return { kind: abort.isCancelRequested ? 'cancelled' : 'interrupted' };
  if (error instanceof LocalFileGoneError) return { kind: 'gone' };
  if (error instanceof LocalFileChangedError) {
    return { kind: 'changed', sizeBytes: error.sizeBytes, mtimeMs: error.mtimeMs };
  }
  if (error instanceof HashPendingError) return { kind: 'hash-pending', pending: error };
  if (isBreakerOpenError(error)) return { kind: 'breaker-open' };
  if (error instanceof DeliveryError) return { kind: 'error', error, isBug: false };
  const wrapped = new DeliveryError(
    `Delivery failed unexpectedly: ${(error as Error).message ?? error}`,
    { kind: 'transient', code: 'internal.unexpected', cause: error },
  );
  return { kind: 'error', error: wrapped, isBug: true };
}

/** What the decision needs besides the failure: the item's history, the time and the policy. */
export interface FailureContext {
  /** The item's attempts so far, this one included. */
  attempts: number;
  /** When the item was first queued (epoch ms): stored retries end retry.maxAgeMs after it. */
  firstQueuedAt: number;
  /** Wall-clock now (epoch ms). */
  now: number;
  /** The agent's configuration: delivery.retry is the policy. */
  config: Config;
  /** When the open breaker's next probe runs (epoch ms). */
  breakerProbeAt: number;
  /** Why the breaker is open, for the sentence of an item that waits for it. */
  breakerDetail: string;
  /** Random source for the stored retry's jitter, in [0, 1). */
  random: () => number;
}

/** The state that follows a failed attempt, and the outcome its attempt row records. */
export type NextState =
  | { outcome: 'cancelled'; state: 'cancelled'; isSessionDropped: true }
  | { outcome: 'interrupted'; state: 'queued'; isSessionDropped: false }
  | { outcome: 'gone'; state: 'gone'; isSessionDropped: true }
  | {
      outcome: 'changed';
      state: 'queued';
      isSessionDropped: true;
      sizeBytes: number;
      mtimeMs: number;
    }
  | {
      outcome: 'hash-pending';
      state: 'retrying';
      isSessionDropped: false;
      nextAttemptAt: number;
      pending: HashPendingError;
    }
  /** Waiting for the breaker uses up no attempt: `attempts` gives this one back. */
  | {
      outcome: 'deferred';
      state: 'retrying';
      isSessionDropped: false;
      nextAttemptAt: number;
      attempts: number;
      errorCode: 'connection.paused';
      errorMessage: string;
    }
  | {
      outcome: 'failed';
      state: 'failed';
      isSessionDropped: false;
      failure: DeliveryError;
      errorMessage: string;
    }
  /** `isAuthHold`: an auth failure, after which no item is tried until `waitMs` has passed. */
  | {
      outcome: 'retrying';
      state: 'retrying';
      isSessionDropped: false;
      failure: DeliveryError;
      nextAttemptAt: number;
      waitMs: number;
      isAuthHold: boolean;
    };

/**
 * Which state follows a failed attempt, and when the item is tried again: a pure function of
 * the classified failure, the item's attempts and age, and the retry policy.
 *
 * Permanent and config failures fail at once; transient and auth failures wait as `retrying`
 * for a `Retry-After` beyond the in-process limit (never cut short) or the stored backoff, until
 * the wait would end past retry.maxAgeMs after the item was first queued: then it fails.
 */
export function nextStateAfterFailure(failure: AttemptFailure, context: FailureContext): NextState {
  switch (failure.kind) {
    case 'cancelled':
      return { outcome: 'cancelled', state: 'cancelled', isSessionDropped: true };
    case 'interrupted':
      return { outcome: 'interrupted', state: 'queued', isSessionDropped: false };
    case 'gone':
      return { outcome: 'gone', state: 'gone', isSessionDropped: true };
    case 'changed': {
      const { sizeBytes, mtimeMs } = failure;
      return { outcome: 'changed', state: 'queued', isSessionDropped: true, sizeBytes, mtimeMs };
    }
    case 'hash-pending':
      return {
        outcome: 'hash-pending',
        state: 'retrying',
        isSessionDropped: false,
        nextAttemptAt: context.now + failure.pending.waitMs,
        pending: failure.pending,
      };
    case 'breaker-open':
      return {
        outcome: 'deferred',
        state: 'retrying',
        isSessionDropped: false,
        nextAttemptAt: context.breakerProbeAt,
        attempts: Math.max(0, context.attempts - 1),
        errorCode: 'connection.paused',
        errorMessage: `Waiting for SharePoint to recover: ${context.breakerDetail}`,
      };
    case 'error':
      return nextStateAfterError(failure.error, context);
  }
}

function nextStateAfterError(failure: DeliveryError, context: FailureContext): NextState {
  // Nobody can deliver until a person signs in again: the item waits in the queue, untried.
  if (failure.code === signInRequiredCode) {
    return { outcome: 'interrupted', state: 'queued', isSessionDropped: false };
  }
  if (failure.kind === 'permanent' || failure.kind === 'config') {
    return failed(failure, failure.message);
  }
  // A Retry-After is never cut short: the wall clock reads whole milliseconds, rounded down,
  // so the wait starts one millisecond later than the reading.
  const waitMs =
    failure.retryAfterMs !== undefined && failure.retryAfterMs > inProcessWaitLimitMs
      ? failure.retryAfterMs + 1
      : storedDelayMs(context.config, context.attempts, context.random);
  const nextAttemptAt = context.now + waitMs;
  const { maxAgeMs } = context.config.delivery.retry;
  if (nextAttemptAt - context.firstQueuedAt > maxAgeMs) {
    return failed(
      failure,
      `Gave up after ${describeMaxAge(maxAgeMs)} of retries: ${failure.message}`,
    );
  }
  return {
    outcome: 'retrying',
    state: 'retrying',
    isSessionDropped: false,
    failure,
    nextAttemptAt,
    waitMs,
    isAuthHold: failure.kind === 'auth',
  };
}

function failed(failure: DeliveryError, errorMessage: string): NextState {
  return { outcome: 'failed', state: 'failed', isSessionDropped: false, failure, errorMessage };
}

/** retry.maxAgeMs in words: whole days, or minutes below a day. */
function describeMaxAge(maxAgeMs: number): string {
  const days = Math.round(maxAgeMs / 86_400_000);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'}`;
  return `${Math.round(maxAgeMs / 60_000)} minutes`;
}
