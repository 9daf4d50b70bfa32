import { Throttler } from '../../lifecycle/index.ts';
import type { Item } from '../../store/index.ts';
import type { PathRules } from '../path-rules.ts';
import type { StageContext } from '../stage-context.ts';
import { goneCapableStates, isKnownVersion, type QueueReason } from '../file-version.ts';
import { scanFolder, type ScannedFile } from './scan-folder.ts';

/** What reconciling a folder with the store needs of its folder's intake. */
export interface ReconcileOptions extends StageContext {
  rules: PathRules;
  /** Stops a walk when intake closes. */
  signal: AbortSignal;
  /** Whether the folder is available (and intake not closed): a scan is worth walking. */
  isActive: () => boolean;
  /** A file the store does not know at this size and mtime: it starts its wait. */
  observe: (relativePath: string, reason: QueueReason, known: ScannedFile) => Promise<void>;
  /** A waiting item whose file the walk did not find. */
  onNotListed: (relativePath: string) => void;
  /** A delivered file still in place (the after-upload action may be owed). */
  onDeliveredFileFound: (item: Item) => void;
}

/** What one walk counted, for its log line and for finding waiting items whose files are gone. */
interface WalkTally {
  /** Folders listed completely; and those of them where a waiting item's file was not seen. */
  listed: Set<string>;
  incomplete: string[];
  waitingInListed: number;
  fileCount: number;
  unknownCount: number;
}

/**
 * Catch-up and periodic scans: compares the folder with the store, hands files the store does
 * not know to settling, applies an owed after-upload action to delivered files still in place,
 * and finds the waiting items whose files are gone. One scan at a time; a scan asked for while
 * one runs runs once more after it.
 */
export class Reconciler {
  readonly #options: ReconcileOptions;
  readonly #scans = new Throttler();

  constructor(options: ReconcileOptions) {
    this.#options = options;
  }

  /**
   * Scans now, or, while a scan runs, once more after it (however often it is asked meanwhile);
   * resolves when a scan that started after the ask is done.
   */
  scan(): Promise<void> {
    return this.#scans.queue(() => this.#scanOnce());
  }

  /** Waits until no scan runs or waits. */
  settled(): Promise<void> {
    return this.#scans.settled();
  }

  async #scanOnce(): Promise<void> {
    if (!this.#options.isActive()) return;
    const startedAt = this.#options.clock.monotonicNow();
    const tally = await this.#walk();
    if (!this.#options.isActive()) return;
    const missing = await this.#findMissing(tally);
    // Handed on after the statements are done: a gone check may write to the store.
    for (const relativePath of missing) this.#options.onNotListed(relativePath);
    this.#options.logger.debug(
      {
        files: tally.fileCount,
        unknownCount: tally.unknownCount,
        durationMs: Math.round(this.#options.clock.monotonicNow() - startedAt),
      },
      'Folder scanned',
    );
  }

  /** Walks the folder: every file the store does not know starts its wait. */
  async #walk(): Promise<WalkTally> {
    const { folder, store, files } = this.#options;
    const isKeep = folder.afterUpload.action === 'keep';
    const tally: WalkTally = {
      listed: new Set(),
      incomplete: [],
      waitingInListed: 0,
      fileCount: 0,
      unknownCount: 0,
    };
    let waitingSeen = 0;
    for await (const part of scanFolder(folder.path, {
      rules: this.#options.rules,
      isRecursive: folder.recursive,
      isStatSlow: files.isStatSlow,
      signal: this.#options.signal,
      onProblem: (problem) => files.reportProblem(problem),
    })) {
      if (part.isListed) {
        // Every waiting item here had its file listed, unless there are more of them than seen.
        tally.listed.add(part.directory);
        const waitingCount = store.countPathsInStates(folder.id, goneCapableStates, part.directory);
        if (waitingCount !== waitingSeen) tally.incomplete.push(part.directory);
        tally.waitingInListed += waitingCount;
        waitingSeen = 0;
        continue;
      }
      for (const file of part.files) {
        tally.fileCount += 1;
        const latest = store.findLatestVersion(folder.id, file.relativePath);
        if (latest && goneCapableStates.includes(latest.state)) waitingSeen += 1;
        if (isKnownVersion(latest, file.sizeBytes, file.mtimeMs)) {
          if (latest?.state === 'delivered' && !isKeep) {
            const item = store.getItem(latest.itemId);
            if (item) this.#options.onDeliveredFileFound(item);
          }
          continue;
        }
        tally.unknownCount += 1;
        this.#options.track(this.#options.observe(file.relativePath, 'caught-up', file));
      }
    }
    return tally;
  }

  /** The waiting items whose files the walk did not find. */
  async #findMissing(tally: WalkTally): Promise<string[]> {
    const { folder, store, files } = this.#options;
    const missing: string[] = [];
    for (const directory of tally.incomplete) {
      const names = await files.listNames(directory);
      const nameStart = directory ? directory.length + 1 : 0;
      for (const relativePath of store.iteratePathsInStates(
        folder.id,
        goneCapableStates,
        directory,
      )) {
        if (!names.has(relativePath.slice(nameStart))) missing.push(relativePath);
      }
    }
    // Waiting items in folders the walk did not list (removed, unreadable, now ignored), if any.
    if (store.countPathsInStates(folder.id, goneCapableStates) !== tally.waitingInListed) {
      for (const relativePath of store.iteratePathsInStates(folder.id, goneCapableStates)) {
        const slash = relativePath.lastIndexOf('/');
        const directory = slash < 0 ? '' : relativePath.slice(0, slash);
        if (!tally.listed.has(directory)) missing.push(relativePath);
      }
    }
    return missing;
  }
}
