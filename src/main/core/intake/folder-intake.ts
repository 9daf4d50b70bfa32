import type { FolderConfig } from '../../../shared/config-schema.ts';
import { DisposableBase, type Clock, type TimerHandle } from '../lifecycle/index.ts';
import type { Logger } from '../logging/index.ts';
import { createGroupCommit, type GroupCommit, type Item, type Store } from '../store/index.ts';
import { FolderFiles } from './folder-files.ts';
import { warmUpHashing } from './hash-file.ts';
import { createPathRules, type PathRules } from './path-rules.ts';
import type { ReadLimiter } from './read-limiter.ts';
import { GoneFiles } from './recording/gone-files.ts';
import type { RecordContext } from './recording/record-file.ts';
import { RecordedFilesLog } from './recording/recorded-files-log.ts';
import { Taking } from './recording/taking.ts';
import { Reconciler } from './scanning/reconcile.ts';
import { DueTurns, FileStates, Settling } from './settling/index.ts';
import type { StageContext } from './stage-context.ts';
import { resolvePlainTargetPath } from './target-path.ts';
import { FolderAvailability, type FolderHealth } from './watching/folder-availability.ts';
import { FolderWatcher } from './watching/folder-watcher.ts';
import { createWriterCheck, type WriterCheck } from './writer-check/index.ts';

export type { FolderHealth } from './watching/folder-availability.ts';
export type { ReadLimiter } from './read-limiter.ts';

/** What one folder's intake needs. */
export interface FolderIntakeOptions {
  folder: FolderConfig;
  libraryName: string;
  store: Store;
  clock: Clock;
  logger: Logger;
  folderCheckIntervalMs: number;
  reconcileIntervalMs: number;
  limitReads: ReadLimiter;
  /** Intake's shared commit: records ready together share one transaction (default: own). */
  commit?: GroupCommit;
  /** A scan found a delivered file still in place (the after-upload action may be owed). */
  onDeliveredFileFound: (item: Item) => void;
  /** Whether another program still holds a file open for writing (default: this OS's check). */
  writerCheck?: WriterCheck;
}

/**
 * Watches one folder and turns each finished file into one recorded item. It composes the
 * stages, each in the folder named for it, around one map of per-file states (FileStates):
 *
 * - watching/: whether the folder is there (FolderAvailability), and its changed names
 *   (FolderWatcher);
 * - settling/: when a file is finished (Settling): its size and mtime held still for the window
 *   and no other program writes to it; small files are read ahead halfway (readAhead), and the
 *   files that come due are taken a turn at a time (DueTurns);
 * - recording/: reading, hashing and recording a finished file (Taking, recordFile), and items
 *   whose files disappeared before they were sent (GoneFiles);
 * - scanning/: catch-up and periodic scans that compare the folder with the store (Reconciler).
 */
export class FolderIntake extends DisposableBase {
  readonly folder: FolderConfig;
  readonly #options: FolderIntakeOptions;
  readonly #rules: PathRules;
  readonly #recordContext: RecordContext;
  readonly #logger: Logger;
  readonly #recordedLog: RecordedFilesLog;
  readonly #states = new FileStates();
  readonly #availability: FolderAvailability;
  readonly #watcher: FolderWatcher;
  readonly #due: DueTurns;
  readonly #settling: Settling;
  readonly #taking: Taking;
  readonly #gone: GoneFiles;
  readonly #reconciler: Reconciler;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #checkTimer: TimerHandle | undefined;
  #reconcileTimer: TimerHandle | undefined;

  constructor(options: FolderIntakeOptions) {
    super();
    const { folder, store, clock, libraryName } = options;
    this.folder = folder;
    this.#options = options;
    this.#rules = createPathRules(folder);
    const commit = options.commit ?? createGroupCommit(store);
    this.#recordContext = { store, clock, folder, rules: this.#rules, libraryName, commit };
    const logger = options.logger.child({ folderId: folder.id });
    this.#logger = logger;
    this.#recordedLog = new RecordedFilesLog(logger);
    const files = new FolderFiles(folder, this.#rules, logger);
    const context: StageContext = {
      ...{ folder, store, clock, logger, files },
      isClosed: () => this.isClosed,
      track: (work) => this.#track(work),
    };
    this.#availability = this.#createAvailability(context);
    this.#watcher = this.#createWatcher(context);
    this.#due = new DueTurns({
      isClosed: context.isClosed,
      onDue: (relativePath) => {
        const work = this.#settling.onDue(relativePath);
        if (work) this.#track(work);
      },
      onTurnEnd: () => this.#taking.recordGathered(),
    });
    const states = this.#states;
    const isActive = () => !this.isClosed && this.#availability.isAvailable;
    // A check made here (none given) is this folder's own, and its listing thread closes with it.
    const writerCheck = options.writerCheck ?? createWriterCheck(clock);
    if (!options.writerCheck) this.register({ close: () => writerCheck.close?.() });
    this.#settling = new Settling({
      ...{ ...context, libraryName, states, isActive, writerCheck },
      markDue: (relativePath) => this.#due.add(relativePath),
      take: (relativePath, version, file) => this.#taking.take(relativePath, version, file),
      onMissing: (relativePath) => this.#gone.onMissing(relativePath),
    });
    const observe = this.#settling.observe.bind(this.#settling);
    this.#taking = new Taking({
      ...{ ...context, states, observe, settling: this.#settling },
      recordContext: this.#recordContext,
      recordedLog: this.#recordedLog,
      limitReads: options.limitReads,
      onMissing: (relativePath) => this.#gone.miss(relativePath),
    });
    this.#gone = new GoneFiles({
      ...{ ...context, states, observe },
      checkAvailability: () => this.#availability.check(),
      isAvailable: () => this.#availability.isAvailable,
    });
    this.#reconciler = new Reconciler({
      ...{ ...context, rules: this.#rules, isActive, observe },
      signal: this.#abort.signal,
      onNotListed: (relativePath) => this.#gone.onNotListed(relativePath),
      onDeliveredFileFound: options.onDeliveredFileFound,
    });
  }

  /** Checks the folder, starts watching it and starts the catch-up scan (not awaited). */
  async start(): Promise<void> {
    await this.#warmUp();
    await this.#availability.check();
    this.#scheduleAvailabilityCheck();
    this.#scheduleReconcile();
  }

  /** The folder's health now. */
  health(): FolderHealth {
    return this.#availability.health();
  }

  /** Compares the folder with the store now; resolves when the walk is done. */
  async rescan(): Promise<void> {
    await this.#availability.check();
    if (this.#availability.isAvailable) await this.#reconciler.scan();
  }

  /**
   * An item was delivered: a newer version of its file that waited for that delivery is looked
   * at now (instead of after its retry wait). Any other delivery needs nothing here: no lstat,
   * no store read.
   */
  onItemDelivered(itemId: number): void {
    this.#settling.onItemDelivered(itemId);
  }

  /** Stops watching and waits for work in flight (close(): once, however often called). */
  protected override async onClose(): Promise<void> {
    this.#abort.abort();
    void this.#checkTimer?.close();
    void this.#reconcileTimer?.close();
    this.#forgetPending();
    await this.#availability.settled();
    await this.#watcher.stop();
    await this.#reconciler.settled();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    this.#recordedLog.flush();
  }

  /** Whether the folder is there: found, it is watched anew and scanned; lost, it is not. */
  #createAvailability(context: StageContext): FolderAvailability {
    return new FolderAvailability({
      ...context,
      onFound: async () => {
        await this.#watcher.stop();
        this.#forgetPending();
        await this.#watcher.start();
      },
      onAvailable: () => this.#track(this.#reconciler.scan()),
      onLost: async () => {
        this.#forgetPending();
        await this.#watcher.stop();
      },
    });
  }

  /** The folder's changed names, handed to settling, gone files, scans and the availability. */
  #createWatcher(context: StageContext): FolderWatcher {
    return new FolderWatcher({
      ...context,
      rules: this.#rules,
      onFileSeen: (relativePath, version) =>
        this.#settling.observeVersion(relativePath, 'new', version, { isLookupDeferred: true }),
      onFileHint: (relativePath) => this.#track(this.#settling.observe(relativePath, 'new')),
      onFileMissing: (relativePath) => this.#gone.onMissing(relativePath),
      scan: () => this.#reconciler.scan(),
      onRootChanged: () => this.#track(this.#availability.check()),
    });
  }

  /**
   * Runs once, on nothing, the code a file goes through when it is seen, read and recorded: the
   * first file dropped after start then does not wait for it to be compiled, nor does its
   * hashing, half a window later, hold up the event of a file dropped then
   * (docs/performance.md, "Why the code is shaped so", Intake). No file is read and
   * nothing is written: the folder's rules, hashing of zeros, a lookup, a target path and an
   * empty commit.
   */
  async #warmUp(): Promise<void> {
    const name = 'sitedrop-warm-up.pdf';
    // The folder's globs are compiled on their first match (~4 ms for the defaults).
    this.#rules.isIgnored(name, undefined);
    this.#rules.isIgnored(name, true);
    this.#rules.isRequestFile(name);
    warmUpHashing();
    this.#options.store.findLatestVersion(this.folder.id, name);
    resolvePlainTargetPath(this.folder, this.#options.libraryName, name);
    await this.#recordContext.commit.run(() => undefined);
  }

  #scheduleAvailabilityCheck(): void {
    if (this.isClosed) return;
    this.#checkTimer = this.#options.clock.setTimeout(() => {
      this.#track(this.#availability.check().finally(() => this.#scheduleAvailabilityCheck()));
    }, this.#options.folderCheckIntervalMs);
  }

  #scheduleReconcile(): void {
    if (this.isClosed) return;
    this.#reconcileTimer = this.#options.clock.setTimeout(() => {
      const scan = this.#availability.isAvailable ? this.#reconciler.scan() : Promise.resolve();
      this.#track(scan.finally(() => this.#scheduleReconcile()));
    }, this.#options.reconcileIntervalMs);
  }

  /** Forgets every file that waits (the folder is lost, replaced or closing); takes run on. */
  #forgetPending(): void {
    this.#states.forgetWaiting();
    this.#due.clear();
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.#logger.error({ err: error }, 'Intake work failed');
    });
    this.#inFlight.add(tracked);
    void tracked.then(() => this.#inFlight.delete(tracked));
  }
}
