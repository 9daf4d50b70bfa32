import type { ItemView } from '../../shared/feed-protocol.ts';

/** What is known of an item when it is first heard of, before its details arrive. */
export type NewItemFields = Pick<ItemView, 'id' | 'folderId' | 'path' | 'state' | 'sizeBytes'> & {
  /** When it was queued (epoch ms): its first-queued, created and updated time. */
  at: number;
};

/**
 * The view of an item known only from its `item.queued` event: no hashes, link, error or
 * attempts yet. Later events and a fetched page fill in the rest.
 */
export function newItemView(fields: NewItemFields): ItemView {
  const { at, ...known } = fields;
  return {
    ...known,
    sha256: null,
    quickXorHash: null,
    remoteUrl: null,
    errorCode: null,
    errorMessage: null,
    attempts: 0,
    nextAttemptAt: null,
    request: null,
    targetPath: null,
    duplicateOfItemId: null,
    firstQueuedAt: at,
    createdAt: at,
    updatedAt: at,
  };
}
