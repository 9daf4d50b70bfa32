import type { Clock, TimerHandle } from './clock.ts';
import type { Disposable } from './disposable-store.ts';

/**
 * Runs a task once, a fixed delay after it is first asked for, however often it is asked for
 * meanwhile (after VS Code's RunOnceScheduler): a burst of asks becomes one run. Asking again
 * after the run schedules the next one. Closing cancels a pending run and refuses later asks.
 */
export class DelayedRun implements Disposable {
  readonly #clock: Clock;
  readonly #delayMs: number;
  readonly #task: () => void;
  #pending: TimerHandle | undefined;
  #isClosed = false;

  constructor(clock: Clock, delayMs: number, task: () => void) {
    this.#clock = clock;
    this.#delayMs = delayMs;
    this.#task = task;
  }

  /** Whether a run is waiting for its delay. */
  get isScheduled(): boolean {
    return this.#pending !== undefined;
  }

  /** Schedules the run unless one is already waiting (which keeps its time) or this is closed. */
  schedule(): void {
    if (this.#pending !== undefined || this.#isClosed) return;
    this.#pending = this.#clock.setTimeout(() => {
      this.#pending = undefined;
      if (!this.#isClosed) this.#task();
    }, this.#delayMs);
  }

  close(): void {
    this.#isClosed = true;
    this.#pending?.close();
    this.#pending = undefined;
  }
}
