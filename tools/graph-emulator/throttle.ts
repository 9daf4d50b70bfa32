// SharePoint-style throttling: a budget of resource units per rolling 60 seconds. A request that
// would exceed it gets 429 with Retry-After = seconds until enough units have aged out.

const WINDOW_MS = 60_000;

/** The outcome of asking the budget for units. */
export type BudgetDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A rolling-minute resource-unit budget. Throttled requests are not charged. */
export class ResourceBudget {
  readonly #unitsPerMinute: number;
  readonly #spent: Array<{ at: number; units: number }> = [];

  constructor(unitsPerMinute: number) {
    this.#unitsPerMinute = unitsPerMinute;
  }

  /** Charge `units` at `now` (epoch ms) if the budget allows, else say how long to wait. */
  tryConsume(units: number, now: number): BudgetDecision {
    if (units <= 0) return { allowed: true };
    while (this.#spent.length > 0 && (this.#spent[0]?.at ?? 0) + WINDOW_MS <= now) {
      this.#spent.shift();
    }
    let inWindow = 0;
    for (const entry of this.#spent) inWindow += entry.units;
    if (inWindow + units <= this.#unitsPerMinute) {
      this.#spent.push({ at: now, units });
      return { allowed: true };
    }
    // Find when enough of the oldest charges age out of the window.
    let remaining = inWindow;
    let freeAt = now + WINDOW_MS;
    for (const entry of this.#spent) {
      remaining -= entry.units;
      if (remaining + units <= this.#unitsPerMinute) {
        freeAt = entry.at + WINDOW_MS;
        break;
      }
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)) };
  }

  /** Forget every charge. */
  reset(): void {
    this.#spent.length = 0;
  }
}
