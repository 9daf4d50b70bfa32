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
  type IBreaker,
  type TimeoutPolicy,
} from 'cockatiel';
import type { Config } from '../../../shared/config-schema.ts';
import type { Clock } from '../lifecycle/index.ts';
import { DeliveryError, timeoutFailure } from './errors.ts';

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
  /** When the open breaker will let a probe through (epoch ms), or null when not open. */
  readonly nextProbeAt: number | null;
}

/** Options of createDeliveryPolicies. */
export interface DeliveryPolicyOptions {
  delivery: Config['delivery'];
  clock: Clock;
  onBreakerChange: (change: BreakerChange) => void;
  /** Random source for jitter, in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

/**
 * Counts failures in a sliding window of monotonic time: "opens after N failures within W ms".
 */
export class WindowBreaker implements IBreaker {
  readonly #threshold: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  #failureTimes: number[] = [];

  constructor(threshold: number, windowMs: number, clock: Clock) {
    this.#threshold = threshold;
    this.#windowMs = windowMs;
    this.#clock = clock;
  }

  get state(): unknown {
    return [...this.#failureTimes];
  }

  set state(value: unknown) {
    this.#failureTimes = Array.isArray(value) ? (value as number[]) : [];
  }

  success(state: CircuitState): void {
    if (state === CircuitState.HalfOpen) this.#failureTimes = [];
  }

  failure(state: CircuitState): boolean {
    if (state === CircuitState.HalfOpen) return true;
    const now = this.#clock.monotonicNow();
    this.#failureTimes = this.#failureTimes.filter((at) => now - at < this.#windowMs);
    this.#failureTimes.push(now);
    if (this.#failureTimes.length >= this.#threshold) {
      this.#failureTimes = [];
      return true;
    }
    return false;
  }
}

/** Failures the upload loop answers itself (ask the session, open a new one), never by resending. */
const answeredByUploadLoop = new Set([
  'upload.range-not-satisfiable',
  'upload.session-expired',
  'network.response-lost',
]);

/** Whether an error is worth another try in process. */
function isRetriableInProcess(error: unknown): boolean {
  if (!(error instanceof DeliveryError) || !error.isTransient) return false;
  if (answeredByUploadLoop.has(error.code)) return false;
  return error.retryAfterMs === undefined || error.retryAfterMs <= inProcessWaitLimitMs;
}

/** Whether an error says SharePoint (or the way to it) is unwell: counted by the breaker. */
function isServiceFailure(error: unknown): boolean {
  return (
    error instanceof DeliveryError &&
    error.isTransient &&
    error.code !== 'graph.throttled' &&
    error.code !== 'graph.locked' &&
    error.code !== 'upload.range-not-satisfiable' &&
    error.code !== 'upload.session-expired'
  );
}

/**
 * Builds the one policy stack of delivery (issue 4, "Resilience"), once per delivery instance.
 *
 * bulkhead (delivery.concurrency) ▸ retry (delivery.retry.inProcessDelaysMs, ±20 % jitter;
 * Retry-After on 429/503 waited exactly, never less) ▸ circuit breaker (failureThreshold
 * failures within windowMs; a half-open probe every probeIntervalMs) ▸ timeout
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

  const bulkheadPolicy = bulkhead(delivery.concurrency, Number.MAX_SAFE_INTEGER);
  const retryPolicy = retry(handleWhen(isRetriableInProcess), {
    maxAttempts: delays.length,
    backoff: new DelegateBackoff((context) => {
      const error = 'error' in context.result ? context.result.error : undefined;
      const retryAfterMs = error instanceof DeliveryError ? error.retryAfterMs : undefined;
      const baseMs = delays[Math.min(context.attempt - 1, delays.length - 1)] ?? 0;
      const waitMs = retryAfterMs ?? Math.round(baseMs * (0.8 + 0.4 * random()));
      pendingWaits.set(context.signal, waitMs);
      return 0;
    }),
  });

  let nextProbeAt: number | null = null;
  const breakerPolicy = circuitBreaker(handleWhen(isServiceFailure), {
    halfOpenAfter: delivery.breaker.probeIntervalMs,
    breaker: new WindowBreaker(delivery.breaker.failureThreshold, delivery.breaker.windowMs, clock),
  });
  breakerPolicy.onBreak((reason) => {
    nextProbeAt = clock.now() + delivery.breaker.probeIntervalMs;
    const error = 'error' in reason ? reason.error : undefined;
    options.onBreakerChange({
      breaker: 'open',
      nextProbeAt,
      detail:
        error instanceof Error
          ? `Paused after repeated failures: ${error.message}`
          : 'Paused after repeated failures',
    });
  });
  breakerPolicy.onHalfOpen(() => {
    nextProbeAt = null;
    options.onBreakerChange({
      breaker: 'half-open',
      nextProbeAt: null,
      detail: 'Probing SharePoint with one request',
    });
  });
  breakerPolicy.onReset(() => {
    nextProbeAt = null;
    options.onBreakerChange({
      breaker: 'closed',
      nextProbeAt: null,
      detail: 'SharePoint answers again',
    });
  });

  const requestMs = delivery.requestTimeoutMs;
  const sizedTimeout = (bytes: number) =>
    requestMs + Math.ceil((bytes / minimumUploadBytesPerSecond) * 1000);
  const timeouts: Record<TimeoutKind, { policy: TimeoutPolicy; ms: number }> = {
    request: { ms: requestMs, policy: timeout(requestMs, TimeoutStrategy.Aggressive) },
    chunk: {
      ms: sizedTimeout(delivery.chunkSizeBytes),
      policy: timeout(sizedTimeout(delivery.chunkSizeBytes), TimeoutStrategy.Aggressive),
    },
    'simple-upload': {
      ms: sizedTimeout(delivery.simpleUploadMaxBytes),
      policy: timeout(sizedTimeout(delivery.simpleUploadMaxBytes), TimeoutStrategy.Aggressive),
    },
  };

  return {
    get breakerState(): BreakerState {
      const state = breakerPolicy.state;
      if (state === CircuitState.Open || state === CircuitState.Isolated) return 'open';
      if (state === CircuitState.HalfOpen) return 'half-open';
      return 'closed';
    },
    get nextProbeAt() {
      return breakerPolicy.state === CircuitState.Open ? nextProbeAt : null;
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
              if (
                !isIdempotent &&
                failure instanceof DeliveryError &&
                (failure.code === 'network.failed' || failure.code === 'network.timeout')
              ) {
                throw new DeliveryError(failure.message, {
                  kind: 'transient',
                  code: 'network.response-lost',
                  cause: failure,
                });
              }
              throw failure;
            }, signal);
          }, signal),
        signal,
      );
    },
  };
}

/** Whether an error means the breaker is open (the call was not made). */
export function isBreakerOpenError(error: unknown): boolean {
  return error instanceof BrokenCircuitError;
}
