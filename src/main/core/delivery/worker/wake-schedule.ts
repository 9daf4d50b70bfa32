import type { Clock, Disposable, TimerHandle } from '../../lifecycle/index.ts';

/**
 * When the worker's pump runs: at the earliest wake-up asked for (a later one never delays an
 * earlier one), on an event, and on a steady poll (a CLI `sitedrop retry` writes from another
 * process).
 * Nothing runs after close().
 */
export class WakeSchedule {
  readonly #clock: Clock;
  readonly #onWake: () => void;
  #wakeTimer: TimerHandle | undefined;
  #wakeAtMonotonic: number | null = null;
  #pollTimer: TimerHandle | undefined;
  #subscription: Disposable | undefined;
  #isClosed = false;

  /** @param onWake the pump, run at each wake-up. */
  constructor(clock: Clock, onWake: () => void) {
    this.#clock = clock;
    this.#onWake = onWake;
  }

  /** Runs the pump in `delayMs` (0: next turn), unless a wake-up is due sooner. */
  wakeIn(delayMs: number): void {
    if (this.#isClosed) return;
    const at = this.#clock.monotonicNow() + Math.max(0, delayMs);
    if (this.#wakeAtMonotonic !== null && this.#wakeAtMonotonic <= at) return;
    this.#wakeTimer?.close();
    this.#wakeAtMonotonic = at;
    this.#wakeTimer = this.#clock.setTimeout(() => {
      this.#wakeAtMonotonic = null;
      this.#onWake();
    }, delayMs);
  }

  /** Runs `beforePoll`, then the pump, now and every `intervalMs` after each run. */
  startPolling(intervalMs: number, beforePoll: () => Promise<void>): void {
    if (this.#isClosed) return;
    void beforePoll().then(() => {
      this.#onWake();
      if (this.#isClosed) return;
      this.#pollTimer = this.#clock.setTimeout(
        () => this.startPolling(intervalMs, beforePoll),
        intervalMs,
      );
    });
  }

  /** Wakes the pump at once on each event that `subscribe` registers for, until close(). */
  wakeOnEvent(subscribe: (listener: () => void) => Disposable): void {
    void this.#subscription?.close();
    this.#subscription = subscribe(() => this.wakeIn(0));
  }

  /** Stops every wake-up; idempotent. */
  close(): void {
    this.#isClosed = true;
    void this.#subscription?.close();
    this.#wakeTimer?.close();
    this.#pollTimer?.close();
  }
}
