import type { FolderConfig } from '../../../shared/config-schema.ts';
import type { Clock } from '../lifecycle/index.ts';
import type { Logger } from '../logging/index.ts';
import type { Item, Store } from '../store/index.ts';
import { applyAfterUpload, type AfterUploadOutcome } from './after-upload.ts';
import type { ReadLimiter } from './read-limiter.ts';

/** What applying after-upload actions needs of intake. */
export interface AfterUploadRunnerOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  limitReads: ReadLimiter;
  /** The watched folder an item came from, if it is still watched. */
  folderOf: (folderId: string) => FolderConfig | undefined;
}

/**
 * Applies each delivered item's after-upload action to its local file, once at a time per item,
 * within intake's read limit, and records what became of the file in the item's history.
 */
export class AfterUploadRunner {
  readonly #options: AfterUploadRunnerOptions;
  readonly #running = new Set<number>();
  readonly #pending = new Set<Promise<void>>();
  #isClosed = false;

  constructor(options: AfterUploadRunnerOptions) {
    this.#options = options;
  }

  /** Applies the item's folder's action (nothing for `keep`); a failure leaves the file in place. */
  run(item: Item): void {
    const { logger, limitReads, clock, store } = this.#options;
    const folder = this.#options.folderOf(item.folderId);
    if (this.#isClosed || !folder || this.#running.has(item.id)) return;
    if (folder.afterUpload.action === 'keep') return;
    this.#running.add(item.id);
    const where = { itemId: item.id, path: item.relativePath };
    const work = limitReads(() => applyAfterUpload(folder, item, clock.now()))
      .then(
        (outcome) => {
          logger.info({ ...where, ...outcome }, 'After-upload action applied');
          try {
            recordAfterUploadOutcome(store, item, outcome);
          } catch (error) {
            // The move or delete happened (the log line above says so); only its event is
            // missing from the item's history. Nothing to undo, and no reason to stop intake.
            logger.warn(
              { ...where, err: error },
              'The after-upload action was applied but could not be recorded in the history',
            );
          }
        },
        (error: unknown) => {
          // The file stays where it is; the next scan finds it delivered and tries again.
          logger.warn(
            { ...where, err: error },
            'The after-upload action failed; the file was left in place',
          );
        },
      )
      .finally(() => {
        this.#running.delete(item.id);
        this.#pending.delete(work);
      });
    this.#pending.add(work);
  }

  /** Starts nothing more and waits for the actions under way. */
  async close(): Promise<void> {
    this.#isClosed = true;
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}

/**
 * Logs what became of a delivered item's local file as an event of the item (`item.archived`,
 * `item.local-deleted`), so the UI's history and `sitedrop status` show it. Appended after the
 * file system change, so the log never claims a move that did not happen; a file kept in place
 * needs no event.
 */
function recordAfterUploadOutcome(store: Store, item: Item, outcome: AfterUploadOutcome): void {
  if (outcome.action === 'archived') {
    const data = { itemId: item.id, path: item.relativePath, archivePath: outcome.archivePath };
    store.appendEvent({ type: 'item.archived', data }, item.id);
  } else if (outcome.action === 'deleted') {
    const data = { itemId: item.id, path: item.relativePath };
    store.appendEvent({ type: 'item.local-deleted', data }, item.id);
  }
}
