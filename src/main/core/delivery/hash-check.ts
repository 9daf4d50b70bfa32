import type { AttemptResult, Item, Store } from '../store/index.ts';
import { DeliveryError } from './errors.ts';
import type { DriveItem } from './graph/sharepoint-client.ts';

/**
 * How long to wait before each new read of a file that SharePoint gave no quickXorHash for:
 * three reads over the next minutes. Graph: "In some cases hash values may not be available. If
 * this is the case, the hash values on an item will be updated after the item is downloaded"
 * (resources/hashes.md); a 0-byte file has been seen without one.
 */
export const hashRereadDelaysMs: readonly number[] = [30_000, 120_000, 300_000];

/** The note of a delivery whose size matched and whose hash SharePoint never gave. */
export const noHashNote = 'Size checked; SharePoint gave no hash';

/** The error code of an item that waits for its hash (stored as its last error while it waits). */
const hashPendingCode = 'verify.hash-pending';

/**
 * SharePoint gave no quickXorHash for an uploaded file whose size matches: the item waits
 * (`retrying`, no worker slot held) and its file is read again later, never uploaded again.
 */
export class HashPendingError extends DeliveryError {
  /** The uploaded file, read again by its id. */
  readonly remote: DriveItem;
  /** How long to wait before the next read. */
  readonly waitMs: number;

  /** @param read how many reads of the file so far came without a hash, this one included. */
  constructor(remote: DriveItem, read: number) {
    const waitMs = hashRereadDelaysMs[read - 1] ?? hashRereadDelaysMs.at(-1) ?? 0;
    super(
      `Uploaded, and the size matches (${remote.size} bytes), but SharePoint has not given the file's hash yet: SiteDrop reads it again in ${describeWait(waitMs)} (check ${read} of ${hashRereadDelaysMs.length}) and does not upload it again`,
      { kind: 'transient', code: hashPendingCode },
    );
    this.remote = remote;
    this.waitMs = waitMs;
  }
}

/** Whether an item was uploaded and waits for SharePoint to give its file's hash. */
export function isAwaitingHash(item: Item): item is Item & { remoteId: string } {
  return item.lastErrorCode === hashPendingCode && item.remoteId !== null;
}

/**
 * How many reads of an item's uploaded file came without a hash so far: its latest finished
 * attempts that ended waiting for one, in a row.
 */
export function countHashlessReads(store: Store, itemId: number): number {
  const finished = store.listAttempts(itemId).filter((attempt) => attempt.endedAt !== null);
  let count = 0;
  for (let index = finished.length - 1; index >= 0; index -= 1) {
    if (finished[index]!.errorCode !== hashPendingCode) break;
    count += 1;
  }
  return count;
}

/**
 * Writes an item whose hash is pending as `retrying` until its next read, keeping the uploaded
 * file's id and link so that the read finds it; returns the attempt's record.
 */
export function recordHashPending(
  store: Store,
  item: Item,
  pending: HashPendingError,
  nextAttemptAt: number,
): AttemptResult {
  store.transitionItem(
    item.id,
    'retrying',
    { nextAttemptAt, errorCode: pending.code, errorMessage: pending.message },
    {
      nextAttemptAt,
      remoteId: pending.remote.id,
      remoteUrl: pending.remote.webUrl,
      lastErrorCode: pending.code,
      lastErrorMessage: pending.message,
    },
  );
  return {
    outcome: 'hash-pending',
    httpStatus: null,
    errorCode: pending.code,
    errorMessage: pending.message,
  };
}

function describeWait(waitMs: number): string {
  return waitMs >= 60_000 ? `${Math.round(waitMs / 60_000)} min` : `${Math.round(waitMs / 1000)} s`;
}
