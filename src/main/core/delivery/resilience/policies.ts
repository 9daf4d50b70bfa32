import {
  BrokenCircuitError,
  CircuitState,
  DelegateBackoff,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  isTaskCancelledError,
  retry,
  timeout,
  type TimeoutPolicy,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Config } from '../../../../shared/config-schema.ts';
import { listedBackoffMs } from '../../../../shared/backoff.ts';
import type { Clock } from '../../lifecycle/index.ts';
import { DeliveryError, timeoutFailure } from '../errors.ts';
import { ThrottleGate } from './throttle-gate.ts';
import { monotonicHalfOpenAfter, RunOrRateBreaker } from './breaker.ts';

/**
 * A Retry-After longer than this is not waited out in process: the item is written back to the
 * store as `retrying` at the time the server named, and its worker slot is freed.
 */
export const inProcessWaitLimitMs = 30_000;

/** Throughput below which an upload chunk is considered stalled (for its timeout). */
const minimumUploadBytesPerSecond = 100_000;

/** The breaker's state as the UI shows it. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** A change of the breaker's state. */
export interface BreakerChange {
  breaker: BreakerState;
  /** When the next half-open probe may run (epoch ms), while open. */
  nextProbeAt: number | null;
  /** Why: the failure that opened it, or what closed it. */
  detail: string;
}

/** Which timeout applies to a call. */
export type TimeoutKind = 'request' | 'chunk' | 'simple-upload';

/** The shared policy stack of every Graph call. */
export interface DeliveryPolicies {
  /**
   * Runs fn through bulkhead ▸ retry ▸ circuit breaker ▸ timeout.
   *
   * fn receives a signal that aborts on timeout or when `signal` aborts; it must pass it on to
   * its request. Throws the last DeliveryError, BrokenCircuitError while the breaker is open,
   * or the signal's reason when cancelled.
   */
  execute<T>(
    fn: (signal: AbortSignal) => Promise<T>,
    options: {
      signal: AbortSignal;
      timeout: TimeoutKind;
      action: string;
      /**
       * False for a request that must not be sent twice blindly (a simple upload with
       * conflict "rename"): a network failure or timeout becomes `network.response-lost`, which
       * is not retried here; the caller looks at the target before sending again.
       */
      isIdempotent?: boolean;
    },
  ): Promise<T>;
  /** The breaker's current state. */
  readonly breakerState: BreakerState;
  /**
   * When the open breaker will let a probe through (epoch ms, for showing), or null when not
   * open. Derived from monotonic time, so it moves with a wall-clock change.
   */
  readonly nextProbeAt: number | null;
  /** How long until the open breaker lets a probe through (ms, monotonic), or null when not open. */
  readonly probeDueInMs: number | null;
  /**
   * How long SharePoint's last Retry-After still holds every request back (ms, monotonic), 0
   * when none does: delivery claims no item meanwhile.
   */
  readonly throttledForMs: number;
  /** Why the last Retry-After holds requests back (meaningful while throttledForMs > 0). */
  readonly throttleReason: 'throttled' | 'unavailable';
  /**
   * A person asked to try now: the Retry-After gate opens, and an open breaker lets its probe
   * through at the next request instead of at its time.
   */
  tryNow(): void;
}

/** Options of createDeliveryPolicies. */
export interface DeliveryPolicyOptions {
  delivery: Config['delivery'];
  clock: Clock;
  onBreakerChange: (change: BreakerChange) => void;
  /** SharePoint's Retry-After moved the time requests may go again later (for the UI). */
  onThrottle?: () => void;
  /** Random source for jitter, in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

/**
 * Failures their caller answers itself, never by sending the same request again: the upload
 * loop (ask the session, open a new one, look at the target) and the column update (read the
 * item's eTag again first).
 */
const answeredByCaller = new Set([
  'upload.range-not-satisfiable',
  'upload.session-expired',
  'network.response-lost',
  'graph.item-busy',
  'graph.item-changed',
]);

/** Failures that say nothing about SharePoint's health: the breaker does not count them. */
const notServiceFailures = new Set([
  'graph.throttled',
  'graph.locked',
  'graph.item-busy',
  'graph.item-changed',
  'upload.range-not-satisfiable',
  'upload.session-expired',
]);

/** Whether an error is worth another try in process. */
function isRetriableInProcess(error: unknown): boolean {
  if (!(error instanceof DeliveryError) || !error.isTransient) return false;
  if (answeredByCaller.has(error.code)) return false;
  return error.retryAfterMs === undefined || error.retryAfterMs <= inProcessWaitLimitMs;
}

/** Whether an error says SharePoint (or the way to it) is unwell: counted by the breaker. */
function isServiceFailure(error: unknown): boolean {
  return error instanceof DeliveryError && error.isTransient && !notServiceFailures.has(error.code);
}

/**
 * The wait before in-process try number `attempt` (1 for the first retry): the matching entry
 * of delivery.retry.inProcessDelaysMs (the last one beyond the list), ±20 % jitter.
 */
export function inProcessDelayMs(
  delaysMs: readonly number[],
  attempt: number,
  random: () => number,
): number {
  return listedBackoffMs(delaysMs, attempt, { jitterRatio: 0.2, random });
}

/**
 * Builds the one policy stack of delivery (docs/delivery.md), once per delivery instance.
 *
 * bulkhead (delivery.concurrency) ▸ retry (delivery.retry.inProcessDelaysMs, ±20 % jitter;
 * Retry-After on 429/503 waited exactly, never less) ▸ throttle gate (a Retry-After holds back
 * every call, not only the one it answered: ThrottleGate) ▸ circuit breaker (a run of
 * failureThreshold failures, or failureRateThreshold of at least minimumRequests calls, within
 * windowMs; a half-open probe every probeIntervalMs, on monotonic time) ▸ timeout
 * (requestTimeoutMs; chunks and simple uploads get more time in proportion to their size).
 *
 * The layers are composed by hand rather than with cockatiel's `wrap` for one reason: the
 * retry's wait runs on the agent's Clock, where it is monotonic, abortable by the delivery's
 * AbortSignal (so close() never waits out an 8 s backoff) and driven by tests. cockatiel's
 * RetryPolicy still decides whether and how long (DelegateBackoff); it is told to sleep 0 ms and
 * the computed wait is taken on the Clock before the next try.
 */
export function createDeliveryPolicies(options: DeliveryPolicyOptions): DeliveryPolicies {
  const { delivery, clock } = options;
  const random = options.random ?? Math.random;
  const delays = delivery.retry.inProcessDelaysMs;
  const pendingWaits = new WeakMap<AbortSignal, number>();
  const gate = new ThrottleGate(clock);

  const bulkheadPolicy = bulkhead(delivery.concurrency, Number.MAX_SAFE_INTEGER);
  const retryPolicy = retry(handleWhen(isRetriableInProcess), {
    maxAttempts: delays.length,
    backoff: new DelegateBackoff((context) => {
      const error = 'error' in context.result ? context.result.error : undefined;
      const retryAfterMs = error instanceof DeliveryError ? error.retryAfterMs : undefined;
      const waitMs = retryAfterMs ?? inProcessDelayMs(delays, context.attempt, random);
      pendingWaits.set(context.signal, waitMs);
      return 0;
    }),
  });

  let probeAtMonotonic: number | null = null;
  const earlyProbe = { isRequested: false };
  const breakerPolicy = circuitBreaker(handleWhen(isServiceFailure), {
    halfOpenAfter: monotonicHalfOpenAfter(delivery.breaker.probeIntervalMs, clock, earlyProbe),
    breaker: new RunOrRateBreaker(delivery.breaker, clock),
  });
  reportBreakerChanges(breakerPolicy, delivery.breaker.probeIntervalMs, clock, {
    onChange: options.onBreakerChange,
    onProbeAt: (atMonotonic) => {
      probeAtMonotonic = atMonotonic;
    },
  });

  const probeDueInMs = (): number | null => {
    if (breakerPolicy.state !== CircuitState.Open || probeAtMonotonic === null) return null;
    // Whole milliseconds: the time is stored (an item's next attempt) in an INTEGER column.
    return Math.max(0, Math.ceil(probeAtMonotonic - clock.monotonicNow()));
  };

  const timeouts = createTimeouts(delivery);

  return {
    get breakerState(): BreakerState {
      const state = breakerPolicy.state;
      if (state === CircuitState.Open || state === CircuitState.Isolated) return 'open';
      if (state === CircuitState.HalfOpen) return 'half-open';
      return 'closed';
    },
    get probeDueInMs() {
      return probeDueInMs();
    },
    get throttledForMs() {
      return gate.remainingMs;
    },
    get throttleReason() {
      return gate.reason;
    },
    tryNow() {
      gate.release();
      if (breakerPolicy.state === CircuitState.Open) {
        earlyProbe.isRequested = true;
        probeAtMonotonic = clock.monotonicNow();
      }
    },
    get nextProbeAt() {
      const dueInMs = probeDueInMs();
      return dueInMs === null ? null : clock.now() + dueInMs;
    },
    execute(fn, { signal, timeout: kind, action, isIdempotent = true }) {
      const { policy, ms } = timeouts[kind];
      return bulkheadPolicy.execute(
        () =>
          retryPolicy.execute(async ({ signal: retrySignal }) => {
            const waitMs = pendingWaits.get(retrySignal);
            if (waitMs !== undefined) {
              pendingWaits.delete(retrySignal);
              await clock.sleep(waitMs, signal);
            }
            await waitForGate(gate, signal, action);
            return breakerPolicy.execute(async () => {
              let failure: unknown;
              try {
                return await policy.execute(({ signal: timeoutSignal }) =>
                  fn(AbortSignal.any([signal, timeoutSignal])),
                );
              } catch (error) {
                failure =
                  isTaskCancelledError(error) && !signal.aborted
                    ? timeoutFailure(action, ms)
                    : error;
              }
              holdGateFor(gate, failure, options.onThrottle);
              throw isIdempotent ? failure : asResponseLost(failure);
            }, signal);
          }, signal),
        signal,
      );
    },
  };
}

/** A failure with a Retry-After closes the gate for every worker (ThrottleGate). */
function holdGateFor(gate: ThrottleGate, failure: unknown, onThrottle: (() => void) | undefined) {
  if (!(failure instanceof DeliveryError) || failure.retryAfterMs === undefined) return;
  const reason = failure.httpStatus === 503 ? 'unavailable' : 'throttled';
  if (gate.holdFor(failure.retryAfterMs, reason)) onThrottle?.();
}

/**
 * For a request that must not be sent twice blindly: a network failure or timeout may have
 * lost the response of a request that took effect, so it becomes `network.response-lost`.
 */
function asResponseLost(failure: unknown): unknown {
  if (
    failure instanceof DeliveryError &&
    (failure.code === 'network.failed' || failure.code === 'network.timeout')
  ) {
    return new DeliveryError(failure.message, {
      kind: 'transient',
      code: 'network.response-lost',
      cause: failure,
    });
  }
  return failure;
}

/**
 * Waits until SharePoint's last Retry-After has passed, in process when it is short.
 *
 * @throws DeliveryError (graph.throttled, with the remaining wait as retryAfterMs) without
 *   sending anything when the wait is longer than inProcessWaitLimitMs: the item is written back
 *   as `retrying` until then and its worker slot is freed, as for its own long Retry-After.
 */
async function waitForGate(gate: ThrottleGate, signal: AbortSignal, action: string) {
  const waitMs = gate.remainingMs;
  if (waitMs > inProcessWaitLimitMs) {
    throw new DeliveryError(
      `SharePoint is throttling requests; SiteDrop waits as long as it asks before ${action}`,
      { kind: 'transient', code: 'graph.throttled', retryAfterMs: waitMs },
    );
  }
  await gate.waitUntilOpen(signal);
}

/** Whether an error means the breaker is open (the call was not made). */
export function isBreakerOpenError(error: unknown): boolean {
  return error instanceof BrokenCircuitError;
}

/**
 * Turns the breaker's own events into BreakerChanges (with the next probe time) and tells the
 * caller when the next probe is due on the monotonic clock (null: none is waited for).
 */
function reportBreakerChanges(
  breakerPolicy: CircuitBreakerPolicy,
  probeIntervalMs: number,
  clock: Clock,
  handlers: {
    onChange: (change: BreakerChange) => void;
    onProbeAt: (atMonotonic: number | null) => void;
  },
): void {
  breakerPolicy.onBreak((reason) => {
    handlers.onProbeAt(clock.monotonicNow() + probeIntervalMs);
    const nextProbeAt = clock.now() + probeIntervalMs;
    const error = 'error' in reason ? reason.error : undefined;
    handlers.onChange({
      breaker: 'open',
      nextProbeAt,
      detail:
        error instanceof Error
          ? `Paused after repeated failures: ${error.message}`
          : 'Paused after repeated failures',
    });
  });
  breakerPolicy.onHalfOpen(() => {
    handlers.onProbeAt(null);
    handlers.onChange({
      breaker: 'half-open',
      nextProbeAt: null,
      detail: 'Probing SharePoint with one request',
    });
  });
  breakerPolicy.onReset(() => {
    handlers.onProbeAt(null);
    handlers.onChange({
      breaker: 'closed',
      nextProbeAt: null,
      detail: 'SharePoint answers again',
    });
  });
}

/**
 * One timeout policy per kind of request: requestTimeoutMs, and for a chunk or a simple upload
 * that plus the time its bytes take at the slowest upload rate allowed.
 */
function createTimeouts(
  delivery: Config['delivery'],
): Record<TimeoutKind, { policy: TimeoutPolicy; ms: number }> {
  const requestMs = delivery.requestTimeoutMs;
  const sizedTimeout = (bytes: number) =>
    requestMs + Math.ceil((bytes / minimumUploadBytesPerSecond) * 1000);
  // Not aborted after a call returns: the transport settles only once the response has ended and
  // then stops listening to the signal, so that abort would stop nothing, and it cost a
  // DOMException (a captured stack) per request (docs/performance.md, "Why the code is shaped so",
  // Delivery).
  const timeoutOf = (ms: number) =>
    timeout(ms, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  return {
    request: { ms: requestMs, policy: timeoutOf(requestMs) },
    chunk: {
      ms: sizedTimeout(delivery.chunkSizeBytes),
      policy: timeoutOf(sizedTimeout(delivery.chunkSizeBytes)),
    },
    'simple-upload': {
      ms: sizedTimeout(delivery.simpleUploadMaxBytes),
      policy: timeoutOf(sizedTimeout(delivery.simpleUploadMaxBytes)),
    },
  };
}
