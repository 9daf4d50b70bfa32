/**
 * Backoff with jitter: how long to wait before trying again, the one rule for every retry of
 * the agent and the UI (delivery's in-process and stored retries, the feed's reconnects).
 *
 * Jitter spreads a delay evenly over ±`jitterRatio` of itself, so that clients that failed
 * together do not all try again at the same instant ("Exponential Backoff And Jitter", AWS
 * Architecture Blog). Pure: the caller supplies the random source, so tests fix it.
 */

/** How a delay is spread: a ratio in [0, 1) and a random source returning [0, 1). */
export interface Jitter {
  /** 0.2: the delay lands anywhere from 80 % to 120 % of its base. */
  jitterRatio: number;
  random: () => number;
}

/** The largest doubling applied: 2^30 times the first delay is beyond any cap in use. */
const maxDoublings = 30;

/**
 * `delayMs` spread evenly over ±jitterRatio of itself, rounded to whole milliseconds.
 */
export function withJitterMs(delayMs: number, { jitterRatio, random }: Jitter): number {
  return Math.round(delayMs * (1 - jitterRatio + 2 * jitterRatio * random()));
}

/**
 * The wait before try number `attempt` (1 for the first retry) of an exponential backoff:
 * `firstDelayMs` doubling per attempt, capped at `maxDelayMs`, then jittered.
 */
export function exponentialBackoffMs(
  schedule: { firstDelayMs: number; maxDelayMs: number; attempt: number },
  jitter: Jitter,
): number {
  const doublings = Math.min(Math.max(0, schedule.attempt - 1), maxDoublings);
  const baseMs = Math.min(schedule.maxDelayMs, schedule.firstDelayMs * 2 ** doublings);
  return withJitterMs(baseMs, jitter);
}

/**
 * The wait before try number `attempt` (1 for the first retry) of a listed schedule: the
 * matching entry of `delaysMs` (the last one beyond the list, 0 for an empty list), jittered.
 */
export function listedBackoffMs(
  delaysMs: readonly number[],
  attempt: number,
  jitter: Jitter,
): number {
  const baseMs = delaysMs[Math.min(attempt - 1, delaysMs.length - 1)] ?? 0;
  return withJitterMs(baseMs, jitter);
}
