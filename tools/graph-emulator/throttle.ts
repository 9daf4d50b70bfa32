// SharePoint-style throttling: a budget of resource units per rolling 60 seconds. A request that
// would exceed it gets 429 with Retry-After = seconds until enough units have aged out.

const WINDOW_MS = 60_000;

/** The outcome of asking the budget for units. */
export type BudgetDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A rolling-minute resource-unit budget. */
export class ResourceBudget {
  /** Units available in any 60-second window. */
  readonly unitsPerMinute: number;
  readonly #spent: Array<{ at: number; units: number }> = [];

  constructor(unitsPerMinute: number) {
    this.unitsPerMinute = unitsPerMinute;
  }

  /** Charge `units` at `now` (epoch ms) if the budget allows, else say how long to wait. */
  tryConsume(units: number, now: number): BudgetDecision {
    if (units <= 0) return { allowed: true };
    if (this.used(now) + units <= this.unitsPerMinute) {
      this.#spent.push({ at: now, units });
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: this.secondsUntilFits(units, now) };
  }

  /** Charge `units` at `now` whatever the budget says (a throttled request that still counts). */
  charge(units: number, now: number): void {
    if (units > 0) this.#spent.push({ at: now, units });
  }

  /** Units charged in the 60 seconds up to `now`. */
  used(now: number): number {
    while (this.#spent.length > 0 && (this.#spent[0]?.at ?? 0) + WINDOW_MS <= now) {
      this.#spent.shift();
    }
    let inWindow = 0;
    for (const entry of this.#spent) inWindow += entry.units;
    return inWindow;
  }

  /** Whole seconds (at least 1) until enough of the oldest charges age out for `units` to fit. */
  secondsUntilFits(units: number, now: number): number {
    let remaining = this.used(now);
    let freeAt = now;
    for (const entry of this.#spent) {
      if (remaining + units <= this.unitsPerMinute) break;
      remaining -= entry.units;
      freeAt = entry.at + WINDOW_MS;
    }
    // More units than the whole budget never fit: a full window is the most honest answer.
    if (remaining + units > this.unitsPerMinute) freeAt = now + WINDOW_MS;
    return Math.max(1, Math.ceil((freeAt - now) / 1000));
  }

  /** Whole seconds until the oldest charge in the window ages out (0 when nothing is charged). */
  secondsUntilNextRelease(now: number): number {
    this.used(now);
    const oldest = this.#spent[0];
    return oldest === undefined ? 0 : Math.max(1, Math.ceil((oldest.at + WINDOW_MS - now) / 1000));
  }

  /** Forget every charge. */
  reset(): void {
    this.#spent.length = 0;
  }
}
