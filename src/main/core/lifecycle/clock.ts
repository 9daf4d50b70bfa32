import type { Disposable } from './disposable-store.ts';

/** A pending timer; close() cancels it. */
export type TimerHandle = Disposable;

/**
 * Time as the core sees it: the core takes a Clock instead of calling Date.now() or setTimeout,
 * so tests own time (docs/architecture.md, rule 8; after pg-boss's src/clock.ts).
 *
 * `now()` is wall-clock epoch milliseconds, for timestamps that are stored and shown.
 * `monotonicNow()` never jumps backwards: use it for waits and durations, so a clock change
 * never makes an item wait for days or retry in a tight loop.
 */
export interface Clock {
  now(): number;
  monotonicNow(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Resolves after delayMs, or rejects with the signal's reason when it aborts. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. Timers are unref'd so a pending wait never keeps the process alive alone. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
  setTimeout(callback, delayMs) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    timer.unref();
    return { close: () => clearTimeout(timer) };
  },
  sleep(delayMs, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, delayMs),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
