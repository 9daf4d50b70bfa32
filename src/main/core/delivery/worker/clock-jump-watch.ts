import type { Clock } from '../../lifecycle/index.ts';
import type { Logger } from '../../logging/index.ts';
import type { Store } from '../../store/index.ts';

/** A wall-clock step back smaller than this is drift, not a change of the time. */
const clockJumpToleranceMs = 1_000;

/**
 * Stored waits are wall-clock times (they must survive a restart). When the wall clock went
 * back since they were written — noticed as the wall clock falling behind the monotonic one,
 * and checked once at start for a change while the agent was not running — the store gives
 * each wait its own length again from now, so nothing waits for days (docs/delivery.md, "Clock
 * changes").
 */
export class ClockJumpWatch {
  readonly #clock: Clock;
  readonly #store: Store;
  readonly #logger: Logger;
  /** Wall minus monotonic time at the last check: a drop means the wall clock was set back. */
  #wallOffsetMs: number | null = null;

  constructor(clock: Clock, store: Store, logger: Logger) {
    this.#clock = clock;
    this.#store = store;
    this.#logger = logger;
  }

  /** Reschedules the stored waits when the wall clock went back since the last check. */
  check(): void {
    const offsetMs = this.#clock.now() - this.#clock.monotonicNow();
    const previousOffsetMs = this.#wallOffsetMs;
    this.#wallOffsetMs = offsetMs;
    if (previousOffsetMs !== null && offsetMs >= previousOffsetMs - clockJumpToleranceMs) return;
    const count = this.#store.rescheduleAfterClockJump();
    if (count > 0) {
      this.#logger.warn(
        { count },
        'The system clock was set back: waiting items were given their waits again from now',
      );
    }
  }
}
