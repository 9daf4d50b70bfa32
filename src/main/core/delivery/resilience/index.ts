/**
 * Delivery's resilience: the one policy stack around every request to SharePoint, and how
 * long to wait before trying an item again.
 *
 * Owns the bulkhead, in-process retries, the shared Retry-After gate, the circuit breaker and
 * timeouts (cockatiel), and the stored retry's backoff. Does not own which state follows a
 * failure (outcomes/) or how a failure is classified (errors.ts).
 */
export {
  createDeliveryPolicies,
  inProcessDelayMs,
  inProcessWaitLimitMs,
  isBreakerOpenError,
  type BreakerChange,
  type BreakerState,
  type DeliveryPolicies,
  type TimeoutKind,
} from './policies.ts';
export { storedDelayMs } from './stored-delay.ts';
