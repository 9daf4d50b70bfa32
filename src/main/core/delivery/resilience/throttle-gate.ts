import type { Clock } from '../../lifecycle/index.ts';

/**
 * Holds back every request to SharePoint while it has asked the app to wait (a 429 or 503 with
 * `Retry-After`), whichever worker and item the answer came to.
 *
 * SharePoint throttles an app as a whole, not per file: a request sent while throttled is refused
 * and counts against the app, so waiting out Retry-After per item would let the other workers spend
 * hundreds of requests a minute on a closed budget (docs/performance.md, "Why the code is shaped
 * so", Delivery). Microsoft's guidance: "If you are throttled, wait the number of seconds specified
 * in the Retry-After header before you make your next request"
 * (learn.microsoft.com/sharepoint/dev/general-development/
 * how-to-avoid-getting-throttled-or-blocked-in-sharepoint-online).
 *
 * Time is the Clock's monotonic time, so a wall-clock change never shortens nor stretches a wait.
 */
export class ThrottleGate {
  readonly #clock: Clock;
  /** Monotonic time at which requests may go again; in the past while open. */
  #opensAtMonotonic = Number.NEGATIVE_INFINITY;
  #reason: 'throttled' | 'unavailable' = 'throttled';

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Closes the gate for waitMs from now; a later opening already set is kept.
   *
   * @param reason what SharePoint said: `throttled` (429) or `unavailable` (503), for people.
   * @returns whether the opening moved later.
   */
  holdFor(waitMs: number, reason: 'throttled' | 'unavailable' = 'throttled'): boolean {
    const opensAt = this.#clock.monotonicNow() + waitMs;
    if (opensAt <= this.#opensAtMonotonic) return false;
    this.#opensAtMonotonic = opensAt;
    this.#reason = reason;
    return true;
  }

  /** Why the gate is closed (meaningful while remainingMs > 0). */
  get reason(): 'throttled' | 'unavailable' {
    return this.#reason;
  }

  /**
   * Opens the gate now: a person pressed "Try now" (a request then goes at once; if SharePoint
   * still refuses, its answer closes the gate again).
   */
  release(): void {
    this.#opensAtMonotonic = Number.NEGATIVE_INFINITY;
  }

  /** How long until requests may go again (whole ms, rounded up), 0 while open. */
  get remainingMs(): number {
    return Math.max(0, Math.ceil(this.#opensAtMonotonic - this.#clock.monotonicNow()));
  }

  /**
   * Resolves once the gate is open, also when it was closed again meanwhile.
   *
   * @throws the signal's reason when it aborts first.
   */
  async waitUntilOpen(signal: AbortSignal): Promise<void> {
    for (let waitMs = this.remainingMs; waitMs > 0; waitMs = this.remainingMs) {
      await this.#clock.sleep(waitMs, signal);
    }
  }
}
