/**
 * The breaker's two decisions: when to open (a run of failures or a failure rate, on the agent's
 * Clock) and how long to stay open before a half-open probe (on monotonic time).
 */
import {
  CircuitState,
  type IBackoff,
  type IBackoffFactory,
  type IBreaker,
  type IHalfOpenAfterBackoffContext,
} from 'cockatiel';
import type { Clock } from '../../lifecycle/index.ts';

/** What the breaker counts: the rules of delivery.breaker. */
export interface BreakerRules {
  /** A run: this many failures in a row (no success between), all within windowMs. */
  failureThreshold: number;
  /** A rate: at least this fraction (0–1] of the calls within windowMs failed... */
  failureRateThreshold: number;
  /** ...once at least this many calls were made within windowMs. */
  minimumRequests: number;
  windowMs: number;
}

/**
 * Opens on a run of failures or on a failure rate (docs/delivery.md, "circuit breaker"),
 * judged over a sliding window of monotonic time.
 *
 * cockatiel's ConsecutiveBreaker counts a run but has no window, and its SamplingBreaker, which
 * judges a rate, reads `Date.now()`, so a clock change would shift its window; this one keeps
 * both rules on the agent's Clock. The run catches an outage at any traffic; the rate catches a
 * service that fails every other call, which never makes a run because successes interleave.
 * Memory is bounded by the calls made within windowMs.
 */
export class RunOrRateBreaker implements IBreaker {
  readonly #rules: BreakerRules;
  readonly #clock: Clock;
  /** The calls within the window, oldest first: monotonic time and whether it failed. */
  #calls: { at: number; isFailure: boolean }[] = [];
  #failuresInWindow = 0;
  /** Monotonic times of the current run of failures. */
  #run: number[] = [];

  constructor(rules: BreakerRules, clock: Clock) {
    this.#rules = rules;
    this.#clock = clock;
  }

  get state(): unknown {
    return { calls: this.#calls.map((call) => ({ ...call })), run: [...this.#run] };
  }

  set state(value: unknown) {
    const saved = value as { calls?: { at: number; isFailure: boolean }[]; run?: number[] };
    this.#calls = Array.isArray(saved?.calls) ? saved.calls.map((call) => ({ ...call })) : [];
    this.#failuresInWindow = this.#calls.filter((call) => call.isFailure).length;
    this.#run = Array.isArray(saved?.run) ? [...saved.run] : [];
  }

  success(state: CircuitState): void {
    if (state === CircuitState.HalfOpen) {
      this.#reset();
      return;
    }
    this.#record(false);
    this.#run = [];
  }

  failure(state: CircuitState): boolean {
    if (state === CircuitState.HalfOpen) return true;
    const now = this.#record(true);
    this.#run = this.#run.filter((at) => now - at < this.#rules.windowMs);
    this.#run.push(now);
    const total = this.#calls.length;
    const isRun = this.#run.length >= this.#rules.failureThreshold;
    const isRate =
      total >= this.#rules.minimumRequests &&
      this.#failuresInWindow >= this.#rules.failureRateThreshold * total;
    if (isRun || isRate) {
      this.#reset();
      return true;
    }
    return false;
  }

  /** Records a call and drops the ones that left the window; returns the monotonic now. */
  #record(isFailure: boolean): number {
    const now = this.#clock.monotonicNow();
    let expired = 0;
    while (expired < this.#calls.length && now - this.#calls[expired]!.at >= this.#rules.windowMs) {
      if (this.#calls[expired]!.isFailure) this.#failuresInWindow -= 1;
      expired += 1;
    }
    if (expired > 0) this.#calls.splice(0, expired);
    this.#calls.push({ at: now, isFailure });
    if (isFailure) this.#failuresInWindow += 1;
    return now;
  }

  #reset(): void {
    this.#calls = [];
    this.#failuresInWindow = 0;
    this.#run = [];
  }
}

/**
 * The open breaker's wait before a half-open probe, measured on the Clock's monotonic time.
 *
 * cockatiel decides "still open" with `Date.now() - openedAt < backoff.duration` and reads
 * `duration` at that moment. This backoff answers with the wall time elapsed minus the monotonic
 * time elapsed plus the interval, so the comparison holds exactly while less than the interval
 * has passed on the monotonic clock: a wall-clock change (a user, NTP, a laptop resuming) never
 * keeps the breaker open for days nor probes early (docs/delivery.md, "Clock changes").
 * tests/unit/main/core/delivery/resilience/policies.test.ts pins this down against cockatiel's behaviour.
 */
export function monotonicHalfOpenAfter(
  intervalMs: number,
  clock: Clock,
  earlyProbe: { isRequested: boolean },
): IBackoffFactory<IHalfOpenAfterBackoffContext> {
  const start = (): IBackoff<IHalfOpenAfterBackoffContext> => {
    const openedAtWall = Date.now();
    const openedAtMonotonic = clock.monotonicNow();
    earlyProbe.isRequested = false;
    return {
      get duration() {
        // "Try now": no time left to wait, so the next request is the half-open probe.
        if (earlyProbe.isRequested) return 0;
        const wallElapsed = Date.now() - openedAtWall;
        const monotonicElapsed = clock.monotonicNow() - openedAtMonotonic;
        return wallElapsed - monotonicElapsed + intervalMs;
      },
      next: start,
    };
  };
  return { next: start };
}
