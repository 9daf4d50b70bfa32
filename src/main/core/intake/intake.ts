import type { Config } from '../../../shared/config-schema.ts';
import type { EventBus } from '../events/index.ts';
import { DisposableStore, type Clock, type Disposable } from '../lifecycle/index.ts';
import type { Logger } from '../logging/index.ts';
import { createGroupCommit, type Item, type Store } from '../store/index.ts';
import { AfterUploadRunner } from './after-upload-runner.ts';
import { FolderIntake } from './folder-intake.ts';
import { createReadLimiter } from './read-limiter.ts';
import { smallFileBytes } from './settling/index.ts';
import type { FolderHealth } from './watching/folder-availability.ts';
import { createWriterCheck } from './writer-check/index.ts';

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
  const limitReads = createReadLimiter(smallFileBytes);
  const commit = createGroupCommit(store);
  // One for every folder: one listing of open files answers for all files due together.
  const writerCheck = createWriterCheck(clock);
  owned.add({ close: () => writerCheck.close?.() });
  const folders = new Map<string, FolderIntake>();
  const afterUpload = new AfterUploadRunner({
    store,
    clock,
    logger,
    limitReads,
    folderOf: (folderId) => folders.get(folderId)?.folder,
  });
  const hasAfterUploadAction = config.folders.some(
    (folder) => folder.afterUpload.action !== 'keep',
  );
  const runAfterUpload = (item: Item) => afterUpload.run(item);

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
      if (!hasAfterUploadAction) return;
      const item = store.getItem(itemId);
      if (!item || item.state !== 'delivered') return;
      runAfterUpload(item);
    }),
  );
  owned.add(afterUpload);

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
