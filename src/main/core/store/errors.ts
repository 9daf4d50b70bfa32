/** Raised for a broken invariant: a transition the lifecycle forbids, a missing item. */
export class StoreInvariantError extends Error {
  readonly code = 'bug.store-invariant';
}
