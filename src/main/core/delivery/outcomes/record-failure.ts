import type { AttemptResult, Item, Store } from '../../store/index.ts';
import type { DeliveryError } from '../errors.ts';
import { recordHashPending } from '../hash-check.ts';
import type { NextState } from './next-state-after-failure.ts';
import { restartedEvent } from './restarted-event.ts';

/** The upload-session fields of an item whose session is gone. */
const noSession = {
  uploadSessionUrl: null,
  uploadSessionExpiresAt: null,
  uploadNextOffset: null,
} as const;

/**
 * Writes the state that follows a failed attempt (nextStateAfterFailure) with its event, and
 * returns the attempt's record. The item's upload session is cancelled first when the next
 * state leaves no use for it (`dropSession`; it never throws).
 */
export async function recordFailure(
  store: Store,
  item: Item,
  next: NextState,
  dropSession: () => Promise<void>,
): Promise<AttemptResult> {
  if (next.isSessionDropped) await dropSession();
  switch (next.outcome) {
    case 'cancelled':
      store.transitionItem(item.id, 'cancelled', {}, noSession);
      return attemptResult(next.outcome);
    case 'interrupted':
      store.transitionItem(item.id, 'queued', restartedEvent(item));
      return attemptResult(next.outcome);
    case 'gone':
      store.transitionItem(item.id, 'gone', {}, noSession);
      return attemptResult(next.outcome);
    case 'changed':
      store.updateItem(item.id, {
        sizeBytes: next.sizeBytes,
        mtimeMs: next.mtimeMs,
        sha256: null,
        quickXorHash: null,
        ...noSession,
      });
      store.requeueItem(item.id, 'changed');
      return attemptResult(next.outcome);
    case 'hash-pending':
      return recordHashPending(store, item, next.pending, next.nextAttemptAt);
    case 'deferred': {
      const { nextAttemptAt, errorCode, errorMessage, attempts } = next;
      store.transitionItem(
        item.id,
        'retrying',
        { nextAttemptAt, errorCode, errorMessage },
        { nextAttemptAt, attempts },
      );
      return attemptResult(next.outcome);
    }
    case 'failed': {
      const { failure, errorMessage } = next;
      store.transitionItem(
        item.id,
        'failed',
        { errorCode: failure.code, errorMessage },
        { lastErrorCode: failure.code, lastErrorMessage: errorMessage, nextAttemptAt: null },
      );
      return attemptResult(next.outcome, failure);
    }
    case 'retrying': {
      const { failure, nextAttemptAt } = next;
      store.transitionItem(
        item.id,
        'retrying',
        { nextAttemptAt, errorCode: failure.code, errorMessage: failure.message },
        { nextAttemptAt, lastErrorCode: failure.code, lastErrorMessage: failure.message },
      );
      return attemptResult(next.outcome, failure);
    }
  }
}

function attemptResult(outcome: string, failure?: DeliveryError): AttemptResult {
  return {
    outcome,
    httpStatus: failure?.httpStatus ?? null,
    errorCode: failure?.code ?? null,
    errorMessage: failure?.message ?? null,
  };
}
