import type { Config } from '../../../shared/config-schema.ts';
import type { EventBus } from '../events/index.ts';
import { DisposableStore, type Clock, type Disposable } from '../lifecycle/index.ts';
import type { Logger } from '../logging/index.ts';
import { createGroupCommit, type Item, type Store } from '../store/index.ts';
import { applyAfterUpload, type AfterUploadOutcome } from './after-upload.ts';
import { FolderIntake, type FolderHealth, type ReadLimiter } from './folder-intake.ts';
import { createWriterCheck } from './writer-check/create-writer-check.ts';

/** How many files intake reads (hashes) at once, across all folders. */
const concurrentReads = 4;
/**
 * How many small files (up to smallFileBytes) intake reads at once besides: enough that a burst's
 * records become ready together and share a commit (the store's group commit: one fsync for
 * many files), while their buffers stay small (at most 64 × 64 KiB).
 */
const concurrentSmallReads = 64;
const smallFileBytes = 64 * 1024;

/** What intake needs from the agent. */
export interface IntakeOptions {
  config: Config;
  store: Store;
  bus: EventBus;
  logger: Logger;
  clock: Clock;
}

/** The running intake of every watched folder. */
export interface Intake extends Disposable {
  /**
   * Compares every available folder with the store now (and re-checks unavailable ones);
   * resolves when the walks are done. Files found unknown still wait out their stability window.
   */
  rescanNow(): Promise<void>;
  /** Each folder's health, by folder id (the feed shows it). */
  folderHealth(): Record<string, FolderHealth>;
  /** Stops every watcher, timer and read in flight. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts watching every configured folder: a catch-up scan queues what arrived while the agent
 * was off, watchers and periodic reconciliation scans queue what arrives now, and after each
 * `item.delivered` the folder's after-upload action is applied to the local file.
 *
 * Resolves once every folder was checked and its watcher is ready; catch-up scans go on in the
 * background. A folder that is missing is reported unavailable, never an error.
 */
export async function startIntake(options: IntakeOptions): Promise<Intake> {
  const { config, store, bus, clock } = options;
  const logger = options.logger.child({ capability: 'intake' });
  const owned = new DisposableStore();
  const limitLargeReads = createLimiter(concurrentReads);
  const limitSmallReads = createLimiter(concurrentSmallReads);
  const limitReads: ReadLimiter = (task, sizeBytes) =>
    sizeBytes !== undefined && sizeBytes <= smallFileBytes
      ? limitSmallReads(task)
      : limitLargeReads(task);
  const commit = createGroupCommit(store);
  // One for every folder: one listing of open files answers for all files due together.
  const writerCheck = createWriterCheck(clock);
  owned.add({ close: () => writerCheck.close?.() });
  const afterUploadRunning = new Set<number>();
  const pending = new Set<Promise<void>>();
  let isClosed = false;

  const folders = new Map<string, FolderIntake>();
  const hasAfterUploadAction = () => {
    for (const folderIntake of folders.values()) {
      if (folderIntake.folder.afterUpload.action !== 'keep') return true;
    }
    return false;
  };
  const runAfterUpload = (item: Item) => {
    const folderIntake = folders.get(item.folderId);
    if (isClosed || !folderIntake || afterUploadRunning.has(item.id)) return;
    if (folderIntake.folder.afterUpload.action === 'keep') return;
    afterUploadRunning.add(item.id);
    const work = limitReads(() => applyAfterUpload(folderIntake.folder, item, clock.now()))
      .then(
        (outcome) => {
          logger.info(
            { itemId: item.id, path: item.relativePath, ...outcome },
            'After-upload action applied',
          );
          try {
            recordAfterUploadOutcome(store, item, outcome);
          } catch (error) {
            // The move or delete happened (the log line above says so); only its event is
            // missing from the item's history. Nothing to undo, and no reason to stop intake.
            logger.warn(
              { itemId: item.id, path: item.relativePath, err: error },
              'The after-upload action was applied but could not be recorded in the history',
            );
          }
        },
        (error: unknown) => {
          // The file stays where it is; the next scan finds it delivered and tries again.
          logger.warn(
            { itemId: item.id, path: item.relativePath, err: error },
            'The after-upload action failed; the file was left in place',
          );
        },
      )
      .finally(() => {
        afterUploadRunning.delete(item.id);
        pending.delete(work);
      });
    pending.add(work);
  };

  for (const folder of config.folders) {
    const folderIntake = new FolderIntake({
      folder,
      libraryName: folder.target.library ?? config.sharepoint.library,
      store,
      clock,
      logger,
      folderCheckIntervalMs: config.intake.folderCheckIntervalMs,
      reconcileIntervalMs: config.intake.reconcileIntervalMs,
      limitReads,
      commit,
      writerCheck,
      onDeliveredFileFound: runAfterUpload,
    });
    folders.set(folder.id, folderIntake);
    owned.add(folderIntake);
  }

  owned.add(
    bus.onDid('item.delivered', (event) => {
      const { itemId } = event.data;
      // A change that waited while this version was being sent is looked at now.
      for (const folderIntake of folders.values()) folderIntake.onItemDelivered(itemId);
      // Where every folder keeps its files there is nothing else to do: no store read per file.
      if (!hasAfterUploadAction()) return;
      const item = store.getItem(itemId);
      if (!item || item.state !== 'delivered') return;
      runAfterUpload(item);
    }),
  );
  owned.add({
    close: async () => {
      isClosed = true;
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  });

  try {
    await Promise.all([...folders.values()].map((folderIntake) => folderIntake.start()));
  } catch (error) {
    await owned.close();
    throw error;
  }
  if (store.recovery) {
    logger.warn('The database was recovered: every file present in the folders is queued again');
  }

  return {
    async rescanNow() {
      await Promise.all([...folders.values()].map((folderIntake) => folderIntake.rescan()));
    },
    folderHealth() {
      return Object.fromEntries(
        [...folders.entries()].map(([folderId, folderIntake]) => [folderId, folderIntake.health()]),
      );
    },
    close: () => owned.close(),
  };
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

/** A limiter: at most `limit` tasks run at once, the rest wait in order. */
function createLimiter(limit: number): ReadLimiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next waiter, so none can slip in between.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
