import type { Item } from '../../store/index.ts';

/** The item.queued event of an item put back in the queue unsent, or after an interruption. */
export function restartedEvent(item: Item) {
  return {
    folderId: item.folderId,
    path: item.relativePath,
    sizeBytes: item.sizeBytes,
    reason: 'restarted' as const,
  };
}
