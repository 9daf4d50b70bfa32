import type { Clock, TimerHandle } from '../../src/main/core/lifecycle/index.ts';

/**
 * A clock the test owns: time moves only when the test calls advance(), and due timers fire
 * in order.
 */
export class TestClock implements Clock {
  #wallMs: number;
  #monotonicMs = 0;
  #timers: { dueAt: number; callback: () => void; isCancelled: boolean }[] = [];

  constructor(startWallMs = Date.UTC(2026, 10, 21, 9, 0, 0)) {
    this.#wallMs = startWallMs;
  }

  now(): number {
    return this.#wallMs;
  }

  monotonicNow(): number {
    return this.#monotonicMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer = { dueAt: this.#monotonicMs + Math.max(0, delayMs), callback, isCancelled: false };
    this.#timers.push(timer);
    return { close: () => void (timer.isCancelled = true) };
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const handle = this.setTimeout(resolve, delayMs);
      signal?.addEventListener('abort', () => {
        void handle.close();
        reject(signal.reason);
      });
    });
  }

  /** Moves both clocks forward, firing timers that fall due, in order. */
  advance(deltaMs: number): void {
    const target = this.#monotonicMs + deltaMs;
    for (;;) {
      const next = this.#timers
        .filter((timer) => !timer.isCancelled && timer.dueAt <= target)
        .sort((a, b) => a.dueAt - b.dueAt)[0];
      if (!next) break;
      this.#wallMs += next.dueAt - this.#monotonicMs;
      this.#monotonicMs = next.dueAt;
      next.isCancelled = true;
      next.callback();
    }
    this.#wallMs += target - this.#monotonicMs;
    this.#monotonicMs = target;
    this.#timers = this.#timers.filter((timer) => !timer.isCancelled);
  }

  /** Sets the wall clock (a user or NTP changing the time); monotonic time does not move. */
  setWallClock(wallMs: number): void {
    this.#wallMs = wallMs;
  }
}
