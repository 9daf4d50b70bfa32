import type fs from 'node:fs';
import type { ItemState } from '../../../shared/item-state.ts';
import type { Item } from '../store/index.ts';

/** Why a file version is queued: first seen by an event, by a scan, or a new version of a path. */
export type QueueReason = 'new' | 'changed' | 'caught-up';

/** A file's size and mtime as intake compares them, and its change time when it was lstat'ed. */
export interface FileVersion {
  sizeBytes: number;
  /** Whole milliseconds (the store keeps integers). */
  mtimeMs: number;
  /** The file's ctime (epoch ms), when known: see heldStillMs. */
  changedAtMs?: number;
}

/** The version an lstat shows. */
export function versionOf(stats: fs.Stats): FileVersion {
  return { sizeBytes: stats.size, mtimeMs: Math.floor(stats.mtimeMs), changedAtMs: stats.ctimeMs };
}

/** States not yet delivered that become `gone` when their file disappears. */
export const goneCapableStates: readonly ItemState[] = ['queued', 'retrying', 'failed'];

/** States in which delivery is working on the item: a change waits until it is done. */
export const inDeliveryStates: readonly ItemState[] = ['uploading', 'verifying'];

/**
 * Whether the store's latest item for a path already stands for this file version, so there is
 * nothing to do. A gone or quarantined item never does: a file that reappears is looked at again.
 */
export function isKnownVersion(
  latest: Pick<Item, 'state' | 'sizeBytes' | 'mtimeMs'> | undefined,
  sizeBytes: number,
  mtimeMs: number,
): boolean {
  return (
    latest !== undefined &&
    latest.state !== 'gone' &&
    latest.state !== 'quarantined' &&
    latest.sizeBytes === sizeBytes &&
    latest.mtimeMs === mtimeMs
  );
}
