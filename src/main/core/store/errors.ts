import { CodedError } from '../../../shared/coded-error.ts';

/** Raised for a broken invariant: a transition the lifecycle forbids, a missing item. */
export class StoreInvariantError extends CodedError<'bug.store-invariant'> {
  constructor(message: string) {
    super('bug.store-invariant', message);
  }
}
