/**
 * Outcomes: what follows a delivery attempt, decided once and written with its event.
 *
 * Owns the classification of a failed attempt, the pure decision of the next state and when
 * the item is tried again, and the store writes of each outcome. Does not own sending
 * (deliver-item.ts) or the worker's slots and claims (worker/).
 */
export {
  classifyAttemptFailure,
  nextStateAfterFailure,
  type AttemptFailure,
  type FailureContext,
  type NextState,
} from './next-state-after-failure.ts';
export { recordDelivered } from './record-delivered.ts';
export { recordFailure } from './record-failure.ts';
export { restartedEvent } from './restarted-event.ts';
