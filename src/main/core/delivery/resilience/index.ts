/**
 * Delivery's resilience: how long to wait before trying an item again.
 *
 * Owns the stored retry's backoff. Does not own which state follows a failure (outcomes/).
 */
export { storedDelayMs } from './stored-delay.ts';
