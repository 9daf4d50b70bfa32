import type { Item, Store } from '../../store/index.ts';
import type { DeliveryResult } from '../deliver-item.ts';

/**
 * Records a delivered item: verifying (unless recorded before setting columns), delivered with
 * its SharePoint id and link, and the attempt's end, in one store call (its own savepoint, for
 * the caller's group commit).
 */
export function recordDelivered(
  store: Store,
  item: Item,
  result: DeliveryResult,
  attemptId: number,
): void {
  store.recordDelivered(
    item.id,
    {
      remoteUrl: result.remote.webUrl,
      isModifiedByServer: result.isModifiedByServer,
      ...(result.verificationNote ? { verificationNote: result.verificationNote } : {}),
    },
    {
      remoteId: result.remote.id,
      remoteUrl: result.remote.webUrl,
      remoteQuickXorHash: result.isModifiedByServer ? result.remote.quickXorHash : null,
      verificationNote: result.verificationNote,
      uploadSessionUrl: null,
      uploadSessionExpiresAt: null,
      uploadNextOffset: null,
      lastErrorCode: null,
      lastErrorMessage: null,
      nextAttemptAt: null,
    },
    attemptId,
    result.wasAlreadyThere ? 'already-there' : 'delivered',
  );
}
