/**
 * How fast bytes move to SharePoint now, and how far the files on their way have come, measured
 * from the feed's upload progress as this page receives it.
 *
 * The rate is the bytes that progress messages say were sent within the last `rateWindowMs`,
 * divided by that window: it rises while an upload moves and falls to 0 within the window once
 * nothing moves (paused, waiting for SharePoint, the agent stopped). A finished file's size is
 * not counted again when it is delivered: only bytes a progress message reported moving are.
 *
 * The overall figure covers a batch: the files on their way since the queue was last empty, with
 * the ones delivered meanwhile counted as done, so "12 MB of 40 MB" grows towards its total
 * instead of its total shrinking with each delivery. Pure TypeScript: no DOM.
 */
import type { ItemView } from '../../shared/feed-protocol.ts';
import type { ItemState } from '../../shared/item-state.ts';

/** The span over which the data rate is averaged (ms). */
export const rateWindowMs = 10_000;

/** The batch's progress: bytes sent of the bytes of every file in it. */
export interface BatchProgress {
  sentBytes: number;
  totalBytes: number;
  /** Files of the batch still on their way. */
  filesOnTheirWay: number;
}

const onItsWay: ReadonlySet<ItemState> = new Set(['detected', 'queued', 'uploading', 'verifying']);

interface BatchEntry {
  sizeBytes: number;
  sentBytes: number;
  isOnItsWay: boolean;
}

/** Upload progress turned into a data rate and the progress of the current batch. */
export class TransferMeter {
  /** Bytes moved, as progress messages reported them, oldest first: (epoch ms, bytes). */
  readonly #moves: { at: number; bytes: number }[] = [];
  /** The bytes each uploading item had sent at its last progress message. */
  readonly #sentByItem = new Map<number, number>();
  readonly #batch = new Map<number, BatchEntry>();
  #onItsWayInBatch = 0;

  /** Forgets everything (a fresh snapshot, a lost connection). */
  reset(): void {
    this.#moves.length = 0;
    this.#sentByItem.clear();
    this.#batch.clear();
    this.#onItsWayInBatch = 0;
  }

  /**
   * An upload started while this page listened: its first progress message is counted from 0
   * (a file sent in one request has only that one).
   */
  noteUploadStarted(itemId: number): void {
    this.#sentByItem.set(itemId, 0);
  }

  /** An item's state or size changed (from a snapshot, an event or a fetched view). */
  noteItem(item: ItemView): void {
    if (item.state !== 'uploading') this.#sentByItem.delete(item.id);
    const entry = this.#batch.get(item.id);
    const isOnItsWay = onItsWay.has(item.state);
    if (isOnItsWay) {
      const sentBytes = item.state === 'verifying' ? item.sizeBytes : (entry?.sentBytes ?? 0);
      this.#setEntry(item.id, { sizeBytes: item.sizeBytes, sentBytes, isOnItsWay: true });
    } else if (entry !== undefined && item.state === 'delivered') {
      this.#setEntry(item.id, { ...entry, sentBytes: entry.sizeBytes, isOnItsWay: false });
    } else if (entry !== undefined) {
      // Will retry, needs a person, or not sent: it leaves the batch, and so do its bytes.
      this.#setEntry(item.id, undefined);
    }
    if (this.#onItsWayInBatch === 0) this.#batch.clear();
  }

  /** A progress message: `sentBytes` of the item's file are in SharePoint, at `atMs`. */
  noteProgress(itemId: number, sentBytes: number, totalBytes: number, atMs: number): void {
    const before = this.#sentByItem.get(itemId);
    this.#sentByItem.set(itemId, sentBytes);
    // An upload this page saw start counts from 0; one it joined halfway counts from here on.
    if (before !== undefined && sentBytes > before) {
      this.#moves.push({ at: atMs, bytes: sentBytes - before });
    }
    const entry = this.#batch.get(itemId);
    if (entry?.isOnItsWay === true) {
      this.#batch.set(itemId, { ...entry, sizeBytes: totalBytes, sentBytes });
    }
  }

  /** Bytes per second over the last rateWindowMs before `nowMs`. */
  bytesPerSecond(nowMs: number): number {
    const since = nowMs - rateWindowMs;
    let expired = 0;
    while (expired < this.#moves.length && this.#moves[expired]!.at <= since) expired += 1;
    if (expired > 0) this.#moves.splice(0, expired);
    let bytes = 0;
    for (const move of this.#moves) bytes += move.bytes;
    return bytes / (rateWindowMs / 1000);
  }

  /** The current batch's progress; undefined when no file is on its way. */
  batch(): BatchProgress | undefined {
    if (this.#onItsWayInBatch === 0) return undefined;
    let sentBytes = 0;
    let totalBytes = 0;
    for (const entry of this.#batch.values()) {
      sentBytes += Math.min(entry.sentBytes, entry.sizeBytes);
      totalBytes += entry.sizeBytes;
    }
    return { sentBytes, totalBytes, filesOnTheirWay: this.#onItsWayInBatch };
  }

  #setEntry(itemId: number, entry: BatchEntry | undefined): void {
    const before = this.#batch.get(itemId);
    if (before?.isOnItsWay === true) this.#onItsWayInBatch -= 1;
    if (entry === undefined) {
      this.#batch.delete(itemId);
      return;
    }
    this.#batch.set(itemId, entry);
    if (entry.isOnItsWay) this.#onItsWayInBatch += 1;
  }
}
