import fs from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { FolderConfig } from '../../../shared/config-schema.ts';
import { requestFileMaxBytes } from '../../../shared/request-schema.ts';
import type { Clock, TimerHandle } from '../lifecycle/index.ts';
import type { Logger } from '../logging/index.ts';
import { createGroupCommit, type GroupCommit, type Item, type Store } from '../store/index.ts';
import { DirectoryWatcher } from './directory-watcher.ts';
import { hashFile, hashSmallFileSync, warmUpHashing, type FileHashes } from './hash-file.ts';
import { createPathRules, type PathRules } from './path-rules.ts';
import { RecordedFilesLog } from './recorded-files-log.ts';
import {
  goneCapableStates,
  inDeliveryStates,
  isKnownVersion,
  recordFile,
  recordTogether,
  type QueueReason,
  type ReadyFile,
  type RecordContext,
  type RecordOutcome,
  type RecordResult,
} from './record-file.ts';
import { scanFolder } from './scan-folder.ts';
import { resolvePlainTargetPath, type TargetPath } from './target-path.ts';
import { createWriterCheck } from './writer-check/create-writer-check.ts';
import type { OpenWriter, WriterCheck } from './writer-check/writer-check.ts';

/** Whether a watched folder can be watched now, and since when. */
export interface FolderHealth {
  folderId: string;
  path: string;
  isAvailable: boolean;
  /** Why it is unavailable, in plain words; null when available. */
  reason: string | null;
  /** When this state began (epoch ms). */
  sinceAt: number;
}

/**
 * Runs a task within the intake-wide limit on concurrent file reads. `sizeBytes`, when known,
 * lets small files share a wider limit than large ones (their buffers are small).
 */
export type ReadLimiter = <T>(task: () => Promise<T>, sizeBytes?: number) => Promise<T>;

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

/** A file seen but not yet finished: its size and mtime, and since when they held still. */
interface Candidate {
  sizeBytes: number;
  mtimeMs: number;
  stableSinceMs: number;
  reason: QueueReason;
  timer: TimerHandle;
  /** How often it was found held by another program (open for writing, or opening failed). */
  busyCount: number;
  /** Whether it is read and hashed halfway through its wait (#prepare), not yet tried. */
  isToPrepare: boolean;
  /**
   * Read halfway through its wait while it had this very size and mtime: its hashes, and its
   * target path when its name needs no mapping (what is left for the end of the wait is less).
   */
  prepared: { hashes: FileHashes; target: TargetPath | undefined } | undefined;
}

/** A prepared file taken, waiting for the end of the turn to be recorded with the others. */
interface GatheredFile extends ReadyFile {
  candidate: Candidate;
}

/** Error codes that mean "another program still has the file": not finished, try later. */
const busyCodes = new Set(['EBUSY', 'EACCES', 'EPERM', 'EAGAIN']);
/** Error codes that mean the file (or a folder above it) is not there. */
const missingCodes = new Set(['ENOENT', 'ENOTDIR']);
/** The least time a file must be missing before its item is recorded as gone. */
const goneGraceMs = 1_000;
/**
 * How many files that came due are taken in one event-loop turn (and share one commit): a turn of
 * prepared small files stays well within the 50 ms the feed, which shares the thread, may wait, and
 * fewer per turn would mean more fsyncs in a burst (docs/performance.md, "Why the code is shaped
 * so", Intake).
 */
const duePerTurn = 512;
/**
 * The kernel stamps a file's change time (ctime) from a coarse clock (one tick: 1-10 ms on
 * Linux): a wait counted from a ctime starts this much later, so it never ends early.
 */
const changeTimeSlackMs = 10;
/**
 * Files up to this size on a local disk are read and hashed synchronously (hashSmallFileSync),
 * halfway through their stability window (#prepare).
 */
const smallFileBytes = 64 * 1024;
/**
 * The most leading bytes of request files that prepared candidates hold at once (a burst of
 * large request files is hashed when taken instead, as larger files always are).
 */
const preparedHeadBytesLimit = 16 * 1024 * 1024;

/**
 * Watches one folder and turns each finished file into one recorded item.
 *
 * chokidar's events are hints: every decision re-reads the file's size and mtime. A file is
 * finished when they held still for `stabilityWindowMs` and it opens for reading; it is hashed,
 * re-checked (a write during hashing sends it back to waiting), then recorded. Catch-up and
 * periodic scans compare the folder with the store and feed the same path. The folder's own
 * existence is probed every `folderCheckIntervalMs`: a lost folder is reported unavailable, and
 * watched and scanned again when it returns (also when it was replaced by a new folder).
 */
export class FolderIntake {
  readonly folder: FolderConfig;
  readonly #options: FolderIntakeOptions;
  readonly #rules: PathRules;
  readonly #recordContext: RecordContext;
  /** The folder's path with a separator at its end. */
  readonly #rootPrefix: string;
  readonly #logger: Logger;
  readonly #recordedLog: RecordedFilesLog;
  readonly #writerCheck: WriterCheck;
  readonly #candidates = new Map<string, Candidate>();
  /** The leading bytes that prepared candidates hold (see preparedHeadBytesLimit). */
  #preparedHeadBytes = 0;
  readonly #goneChecks = new Map<string, TimerHandle>();
  /** Candidates whose wait is over, taken a few per event-loop turn (#takeDue). */
  readonly #due = new Set<string>();
  #isDueScheduled = false;
  /** Prepared files taken in this turn, recorded together at its end (#recordGathered). */
  #gathered: GatheredFile[] = [];
  /** Paths being hashed or recorded, and the reason to look again when that ends. */
  readonly #busy = new Map<string, QueueReason | undefined>();
  /**
   * Items in delivery that a newer version of their file waits for (item id → path): when one
   * of them is delivered, that version is looked at at once. Only these need a look then.
   */
  readonly #waitingOnDelivery = new Map<number, string>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #reportedProblems = new Set<string>();
  readonly #abort = new AbortController();
  #health: FolderHealth;
  #hasChecked = false;
  #rootIdentity: string | undefined;
  #watcher: DirectoryWatcher | FSWatcher | undefined;
  #checkTimer: TimerHandle | undefined;
  #reconcileTimer: TimerHandle | undefined;
  #scanning: Promise<void> | undefined;
  #checking: Promise<void> | undefined;
  #isScanWanted = false;
  #isClosed = false;

  constructor(options: FolderIntakeOptions) {
    this.folder = options.folder;
    this.#options = options;
    this.#rules = createPathRules(options.folder);
    this.#rootPrefix = path.join(options.folder.path, path.sep);
    this.#recordContext = {
      store: options.store,
      clock: options.clock,
      folder: options.folder,
      rules: this.#rules,
      libraryName: options.libraryName,
      commit: options.commit ?? createGroupCommit(options.store),
    };
    this.#logger = options.logger.child({ folderId: options.folder.id });
    this.#recordedLog = new RecordedFilesLog(this.#logger);
    this.#writerCheck = options.writerCheck ?? createWriterCheck(options.clock);
    this.#health = {
      folderId: options.folder.id,
      path: options.folder.path,
      isAvailable: false,
      reason: 'not checked yet',
      sinceAt: options.clock.now(),
    };
  }

  /** Checks the folder, starts watching it and starts the catch-up scan (not awaited). */
  async start(): Promise<void> {
    await this.#warmUp();
    await this.#checkAvailability();
    this.#scheduleAvailabilityCheck();
    this.#scheduleReconcile();
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

  /** The folder's health now. */
  health(): FolderHealth {
    return { ...this.#health };
  }

  /** Compares the folder with the store now; resolves when the walk is done. */
  async rescan(): Promise<void> {
    await this.#checkAvailability();
    if (this.#health.isAvailable) await this.#scan();
  }

  /**
   * An item was delivered: a newer version of its file that waited for that delivery is looked
   * at now (instead of after its retry wait). Any other delivery needs nothing here: no lstat,
   * no store read.
   */
  onItemDelivered(itemId: number): void {
    const relativePath = this.#waitingOnDelivery.get(itemId);
    if (relativePath === undefined) return;
    this.#waitingOnDelivery.delete(itemId);
    const candidate = this.#candidates.get(relativePath);
    if (!candidate || this.#isClosed) return;
    void candidate.timer.close();
    this.#markDue(relativePath);
  }

  /** Stops watching and waits for work in flight. Idempotent. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#abort.abort();
    void this.#checkTimer?.close();
    void this.#reconcileTimer?.close();
    this.#forgetPending();
    await this.#checking;
    await this.#stopWatcher();
    await this.#scanning;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    this.#recordedLog.flush();
  }

  // ── Availability ───────────────────────────────────────────────────────────────────────────

  /** One availability check at a time: callers during a check share it. */
  #checkAvailability(): Promise<void> {
    this.#checking ??= this.#checkAvailabilityOnce().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #checkAvailabilityOnce(): Promise<void> {
    if (this.#isClosed) return;
    let stats: fs.Stats;
    try {
      stats = await fs.promises.stat(this.folder.path);
    } catch (error) {
      await this.#markUnavailable(describeFolderError(error));
      return;
    }
    if (!stats.isDirectory()) {
      await this.#markUnavailable('the path is a file, not a folder');
      return;
    }
    const identity = `${stats.dev}:${stats.ino}`;
    if (this.#health.isAvailable && identity === this.#rootIdentity) return;
    const wasReported = this.#hasChecked;
    this.#hasChecked = true;
    if (this.#health.isAvailable) {
      this.#logger.info('The watched folder was replaced by a new one; watching the new one');
    }
    await this.#stopWatcher();
    this.#forgetPending();
    this.#rootIdentity = identity;
    await this.#startWatcher();
    if (this.#isClosed) return;
    const wasAvailable = this.#health.isAvailable;
    this.#health = { ...this.#health, isAvailable: true, reason: null, sinceAt: this.#now() };
    if (wasReported && !wasAvailable) {
      this.#logger.info({ path: this.folder.path }, 'The watched folder is available again');
      this.#options.store.appendEvent({
        type: 'folder.available',
        data: { folderId: this.folder.id, path: this.folder.path },
      });
    }
    this.#track(this.#scan());
  }

  async #markUnavailable(reason: string): Promise<void> {
    const isChange = this.#health.isAvailable || !this.#hasChecked;
    this.#hasChecked = true;
    if (!isChange || this.#isClosed) return;
    this.#health = { ...this.#health, isAvailable: false, reason, sinceAt: this.#now() };
    this.#rootIdentity = undefined;
    this.#forgetPending();
    await this.#stopWatcher();
    this.#logger.warn({ path: this.folder.path, reason }, 'The watched folder is unavailable');
    this.#options.store.appendEvent({
      type: 'folder.unavailable',
      data: { folderId: this.folder.id, path: this.folder.path, reason },
    });
  }

  #scheduleAvailabilityCheck(): void {
    if (this.#isClosed) return;
    this.#checkTimer = this.#options.clock.setTimeout(() => {
      this.#track(this.#checkAvailability().finally(() => this.#scheduleAvailabilityCheck()));
    }, this.#options.folderCheckIntervalMs);
  }

  #scheduleReconcile(): void {
    if (this.#isClosed) return;
    this.#reconcileTimer = this.#options.clock.setTimeout(() => {
      const scan = this.#health.isAvailable ? this.#scan() : Promise.resolve();
      this.#track(scan.finally(() => this.#scheduleReconcile()));
    }, this.#options.reconcileIntervalMs);
  }

  // ── Watching ───────────────────────────────────────────────────────────────────────────────

  async #startWatcher(): Promise<void> {
    if (this.folder.polling.enabled) {
      await this.#startPollingWatcher();
      return;
    }
    const watcher = new DirectoryWatcher({
      root: this.folder.path,
      isRecursive: this.folder.recursive,
      isIgnoredDirectory: (relativePath) => this.#rules.isIgnored(relativePath, false),
      onPaths: (relativePaths) => {
        for (const relativePath of relativePaths)
          this.#trackIfAny(this.#onPathChanged(relativePath));
      },
      onDirectory: (relativePath) => {
        // The root's own event (removed, replaced) or an overflow: look at the folder again.
        if (relativePath === '') this.#track(this.#checkAvailability());
        else this.#trackIfAny(this.#onPathChanged(relativePath));
        this.#track(this.#scan());
      },
      onError: (error) => {
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
        this.#logger.warn({ code, err: error }, 'The folder watcher reported an error; it goes on');
      },
    });
    this.#watcher = watcher;
    await watcher.start();
  }

  /**
   * A name changed in a watched folder: a file is looked at (and waited for), a new folder is
   * watched and scanned (a folder moved in brings its files), a vanished folder is unwatched and
   * scanned (what it took away is gone).
   */
  #onPathChanged(relativePath: string): Promise<void> | undefined {
    if (this.#isClosed || this.#rules.isIgnored(relativePath, undefined)) return undefined;
    // On a local disk the whole look is synchronous (an lstat, a store lookup, a timer): through
    // the thread pool, with three promises, intake falls behind a program moving a burst of files
    // in (docs/performance.md, "Why the code is shaped so", Intake). A file seen empty because its
    // writer has not written yet is looked at again on the write's own event.
    return this.#withStats(relativePath, (stats) => this.#onPathStats(relativePath, stats));
  }

  #onPathStats(
    relativePath: string,
    stats: fs.Stats | 'missing' | undefined,
  ): Promise<void> | undefined {
    if (!stats || this.#isClosed) return undefined;
    const watcher = this.#watcher;
    const directories = watcher instanceof DirectoryWatcher ? watcher : undefined;
    const isDirectory = stats !== 'missing' && stats.isDirectory();
    if (!isDirectory && directories?.isDirectory(relativePath)) {
      // A folder went away (or a file took its name): what it held is gone.
      directories.removeDirectory(relativePath);
      this.#track(this.#scan());
      if (stats === 'missing') return undefined;
    }
    if (stats === 'missing') {
      this.#dropCandidate(relativePath);
      this.#scheduleGoneCheck(relativePath);
      return undefined;
    }
    if (isDirectory) {
      if (!this.folder.recursive || this.#rules.isIgnored(relativePath, false)) return undefined;
      // A change inside a folder already watched (macOS and Windows report those) needs nothing.
      if (directories?.isKnownDirectory(relativePath, stats.ino)) return undefined;
      return (async () => {
        await directories?.addDirectory(relativePath);
        await this.#scan();
      })();
    }
    if (!stats.isFile() || this.#rules.isIgnored(relativePath, true)) return undefined;
    this.#observeVersion(relativePath, 'new', versionOf(stats), { isLookupDeferred: true });
    return undefined;
  }

  /**
   * Polling mode (network shares, where change notifications are not delivered) keeps chokidar's
   * stat-based polling: it has to remember each file's size and mtime to see a change at all.
   */
  async #startPollingWatcher(): Promise<void> {
    const root = this.folder.path;
    const watcher = watch(root, {
      ignored: (absolutePath, stats) => {
        const relativePath = this.#toRelative(absolutePath);
        if (relativePath === undefined) return false;
        if (stats?.isSymbolicLink()) return true;
        return this.#rules.isIgnored(relativePath, stats ? stats.isFile() : undefined);
      },
      ignoreInitial: true,
      followSymlinks: false,
      persistent: false,
      backend: 'polling',
      pollingInterval: this.folder.polling.intervalMs,
      pollingBinaryInterval: this.folder.polling.intervalMs,
      ...(this.folder.recursive ? {} : { depth: 0 }),
    });
    this.#watcher = watcher;
    const onFile = (absolutePath: string) => {
      const relativePath = this.#toRelative(absolutePath);
      if (relativePath !== undefined) this.#track(this.#observe(relativePath, 'new'));
    };
    watcher.on('add', onFile);
    watcher.on('change', onFile);
    watcher.on('unlink', (absolutePath) => {
      const relativePath = this.#toRelative(absolutePath);
      if (relativePath === undefined) return;
      this.#dropCandidate(relativePath);
      this.#scheduleGoneCheck(relativePath);
    });
    // A folder moved in or out: the scan finds what it brought and what it took away.
    const onFolder = (absolutePath: string) => {
      if (this.#toRelative(absolutePath) === undefined) this.#track(this.#checkAvailability());
      else this.#track(this.#scan());
    };
    watcher.on('addDir', onFolder);
    watcher.on('unlinkDir', onFolder);
    watcher.on('error', (error) => {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      this.#logger.warn({ code, err: error }, 'The folder watcher reported an error; it goes on');
    });
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  async #stopWatcher(): Promise<void> {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    await watcher?.close();
  }

  /** The '/'-separated path under the folder, or undefined for the folder itself and outside. */
  #toRelative(absolutePath: string): string | undefined {
    const relative = path.relative(this.folder.path, absolutePath);
    const isOutside = relative === '..' || relative.startsWith(`..${path.sep}`);
    if (relative === '' || isOutside || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  }

  // ── Stability ──────────────────────────────────────────────────────────────────────────────

  /** A hint that a file may be new or changed: confirm with lstat and start or reset its wait. */
  async #observe(
    relativePath: string,
    reason: QueueReason,
    known?: { sizeBytes: number; mtimeMs: number },
  ): Promise<void> {
    if (known) {
      this.#observeVersion(relativePath, reason, known);
      return;
    }
    if (this.#isClosed || !this.#health.isAvailable) return;
    if (this.#busy.has(relativePath)) {
      this.#busy.set(relativePath, this.#busy.get(relativePath) ?? reason);
      return;
    }
    const stats = await this.#lstat(relativePath);
    if (stats === 'missing') {
      this.#dropCandidate(relativePath);
      this.#scheduleGoneCheck(relativePath);
      return;
    }
    if (stats?.isFile()) {
      this.#observeVersion(relativePath, reason, {
        sizeBytes: stats.size,
        mtimeMs: Math.floor(stats.mtimeMs),
      });
    }
  }

  /**
   * observe, for a file seen at this size and mtime: start or reset its wait, unless the store
   * knows this version already.
   *
   * `isLookupDeferred` (a watcher's event): the store is not asked now, since the file is looked up
   * anyway halfway through its wait (#prepare) or when it is taken (#readAndRecord), and a known
   * version is dropped then. An event rarely names a known version (a chmod); each of a burst's
   * 10,000 is new, and the lookup, in a read transaction of its own, is a large share of the work
   * per event that decides whether intake keeps up with a burst (docs/performance.md, "Why the code
   * is shaped so", Intake). Scans keep the lookup: a catch-up over 100,000 known files must not
   * wait on any.
   */
  #observeVersion(
    relativePath: string,
    reason: QueueReason,
    current: FileVersion,
    options: { isLookupDeferred?: boolean } = {},
  ): void {
    if (this.#isClosed || !this.#health.isAvailable) return;
    if (this.#busy.has(relativePath)) {
      this.#busy.set(relativePath, this.#busy.get(relativePath) ?? reason);
      return;
    }
    this.#cancelGoneCheck(relativePath);
    const candidate = this.#candidates.get(relativePath);
    if (
      candidate &&
      candidate.sizeBytes === current.sizeBytes &&
      candidate.mtimeMs === current.mtimeMs
    ) {
      // Already waiting for this very version (a write's second event): nothing new.
      return;
    }
    if (!options.isLookupDeferred) {
      const latest = this.#options.store.findLatestVersion(this.folder.id, relativePath);
      if (isKnownVersion(latest, current.sizeBytes, current.mtimeMs)) {
        this.#dropCandidate(relativePath);
        return;
      }
    }
    this.#setCandidate(relativePath, current, candidate?.reason ?? reason, 0);
  }

  #setCandidate(
    relativePath: string,
    current: FileVersion,
    reason: QueueReason,
    busyCount: number,
    retryDelayMs?: number,
  ): void {
    this.#dropCandidate(relativePath);
    if (this.#isClosed) return;
    const delayMs = retryDelayMs ?? this.folder.stabilityWindowMs;
    // A small file on a local disk is read halfway through its window: see #prepare.
    const isToPrepare =
      retryDelayMs === undefined &&
      busyCount === 0 &&
      current.sizeBytes <= smallFileBytes &&
      !this.#isStatSlow;
    const heldMs = retryDelayMs === undefined ? this.#heldStillMs(current) : 0;
    const timer = this.#options.clock.setTimeout(
      () => this.#markDue(relativePath),
      (isToPrepare ? Math.floor(delayMs / 2) : delayMs) - heldMs,
    );
    this.#candidates.set(relativePath, {
      sizeBytes: current.sizeBytes,
      mtimeMs: current.mtimeMs,
      stableSinceMs: this.#options.clock.monotonicNow() - heldMs,
      reason,
      timer,
      busyCount,
      isToPrepare,
      prepared: undefined,
    });
  }

  /**
   * How long a file seen now has held still already: since its change time (every write sets it,
   * and so does a move into the folder), when intake sees it later than that, as the events of a
   * burst wait their turn: counted from when intake sees it, the last files of a burst would wait
   * their turn and then a whole window more (docs/performance.md, "Why the code is shaped so",
   * Intake). Whole milliseconds, and at most half the window: intake watches every file itself for
   * at least half of it. None when the change time is unknown (scans) or cannot be trusted: on a
   * network share (its clock is the server's), before the mtime, or in whole seconds (FAT and some
   * network file systems stamp times in 1-2 s steps).
   */
  #heldStillMs(current: FileVersion): number {
    const { changedAtMs } = current;
    if (changedAtMs === undefined || this.#isStatSlow) return 0;
    if (changedAtMs < current.mtimeMs || changedAtMs % 1000 === 0) return 0;
    const heldMs = Math.floor(this.#options.clock.now() - changedAtMs - changeTimeSlackMs);
    return Math.min(Math.max(0, heldMs), Math.floor(this.folder.stabilityWindowMs / 2));
  }

  #dropCandidate(relativePath: string): void {
    const candidate = this.#candidates.get(relativePath);
    if (!candidate) return;
    void candidate.timer.close();
    this.#removeCandidate(relativePath, candidate);
  }

  /** Forgets a candidate (its timer is the caller's), and what its prepared hashes held. */
  #removeCandidate(relativePath: string, candidate: Candidate): void {
    this.#candidates.delete(relativePath);
    this.#preparedHeadBytes -= candidate.prepared?.hashes.headBytes.length ?? 0;
  }

  /**
   * A candidate's wait is over. The files of a burst come due in the same timer phase: they are
   * taken `duePerTurn` at a time, one event-loop turn each, so the thread (which the feed shares)
   * is never held for the whole burst, and each turn's records share one group commit.
   */
  #markDue(relativePath: string): void {
    this.#due.add(relativePath);
    if (this.#isDueScheduled) return;
    this.#isDueScheduled = true;
    setImmediate(() => this.#takeDue());
  }

  #takeDue(): void {
    this.#isDueScheduled = false;
    if (this.#isClosed) return;
    let count = 0;
    for (const relativePath of this.#due) {
      this.#due.delete(relativePath);
      this.#trackIfAny(this.#onCandidateDue(relativePath));
      count += 1;
      if (count === duePerTurn) break;
    }
    // Before the next turn is scheduled, so that this turn's records join the commit scheduled
    // first, and commit before the next turn's (which would otherwise join it: twice the files
    // per commit, and their events held back a turn longer, which doubles the feed's delay).
    this.#recordGathered();
    if (this.#due.size > 0 && !this.#isDueScheduled) {
      this.#isDueScheduled = true;
      setImmediate(() => this.#takeDue());
    }
  }

  /** A candidate's timer ran out: look at the file again, and take it if its wait is over. */
  #onCandidateDue(relativePath: string): Promise<void> | undefined {
    const candidate = this.#candidates.get(relativePath);
    if (!candidate || this.#isClosed) return undefined;
    return this.#withStats(relativePath, (stats) =>
      this.#onDueStats(relativePath, candidate, stats),
    );
  }

  #onDueStats(
    relativePath: string,
    candidate: Candidate,
    stats: fs.Stats | 'missing' | undefined,
  ): Promise<void> | undefined {
    if (this.#candidates.get(relativePath) !== candidate) return undefined;
    if (stats === 'missing' || !stats?.isFile()) {
      this.#dropCandidate(relativePath);
      if (stats === 'missing') this.#scheduleGoneCheck(relativePath);
      return undefined;
    }
    const current = versionOf(stats);
    if (current.sizeBytes !== candidate.sizeBytes || current.mtimeMs !== candidate.mtimeMs) {
      this.#setCandidate(relativePath, current, candidate.reason, candidate.busyCount);
      return undefined;
    }
    const heldMs = this.#options.clock.monotonicNow() - candidate.stableSinceMs;
    if (heldMs < this.folder.stabilityWindowMs) {
      this.#writerCheck.prepare?.(candidate.stableSinceMs);
      if (candidate.isToPrepare && !this.#prepare(relativePath, candidate)) return undefined;
      // Not rounded to whole milliseconds: rounded, these timers share Node's timer list with
      // the half-window ones, and single files come due later, some of them much later
      // (docs/performance.md, "Why the code is shaped so", Intake).
      candidate.timer = this.#options.clock.setTimeout(
        () => this.#markDue(relativePath),
        this.folder.stabilityWindowMs - heldMs,
      );
      return undefined;
    }
    // Quiet for the whole window, yet a writer that pauses longer still holds it open.
    const writer = this.#writerCheck.findWriter(
      this.#absolute(relativePath),
      stats,
      candidate.stableSinceMs,
    );
    if (writer) {
      this.#waitWhileHeld(relativePath, current, candidate, writer);
      return undefined;
    }
    this.#removeCandidate(relativePath, candidate);
    return this.#take(relativePath, current, candidate);
  }

  /**
   * Halfway through its window, a small file on a local disk is read and hashed, so that when the
   * window ends only an lstat and its record are left: neither a burst nor a single file waits on
   * reading and hashing after its window (docs/performance.md, "Why the code is shaped so",
   * Intake). The hashes stand for the file as long as its size and mtime do: the lstat at the end
   * of the window compares them, and any change makes a new candidate without them. A file that
   * cannot be read now (another program holds it) is read when it is taken, as before.
   *
   * @returns whether the candidate still waits (false: it was dropped or replaced).
   */
  #prepare(relativePath: string, candidate: Candidate): boolean {
    candidate.isToPrepare = false;
    const latest = this.#options.store.findLatestVersion(this.folder.id, relativePath);
    if (isKnownVersion(latest, candidate.sizeBytes, candidate.mtimeMs)) {
      this.#dropCandidate(relativePath);
      return false;
    }
    const keepBytes = this.#keepBytes(relativePath);
    if (keepBytes > 0 && this.#preparedHeadBytes + candidate.sizeBytes > preparedHeadBytesLimit) {
      return true;
    }
    const absolutePath = this.#absolute(relativePath);
    let hashes: FileHashes;
    try {
      hashes = hashSmallFileSync(absolutePath, keepBytes, candidate.sizeBytes);
    } catch {
      // Held by another program, or gone: taking it at the end of the window finds out.
      return true;
    }
    let after: fs.Stats;
    try {
      after = fs.lstatSync(absolutePath);
    } catch {
      return true;
    }
    const current = versionOf(after);
    if (current.sizeBytes !== candidate.sizeBytes || current.mtimeMs !== candidate.mtimeMs) {
      // Written to while it was read: it waits anew, as for any change.
      if (after.isFile()) this.#setCandidate(relativePath, current, candidate.reason, 0);
      else this.#dropCandidate(relativePath);
      return false;
    }
    if (hashes.sizeBytes !== candidate.sizeBytes) return true;
    candidate.prepared = {
      hashes,
      target: resolvePlainTargetPath(this.folder, this.#options.libraryName, relativePath),
    };
    this.#preparedHeadBytes += hashes.headBytes.length;
    return true;
  }

  // ── Taking a finished file ─────────────────────────────────────────────────────────────────

  /**
   * Takes a finished file. A prepared one whose name SharePoint takes as it is is recorded at
   * the end of the turn, in one work with the other prepared files taken in it (they share the
   * commit, and nothing is read again); any other is checked against the store, then read and
   * hashed first (#readAndRecord). Busy until recorded: events meanwhile look again after it.
   */
  #take(
    relativePath: string,
    observed: { sizeBytes: number; mtimeMs: number },
    candidate: Candidate,
  ): Promise<void> | undefined {
    if (this.#busy.has(relativePath) || this.#isClosed) return undefined;
    this.#busy.set(relativePath, undefined);
    const { prepared } = candidate;
    if (prepared?.target) {
      const file = { relativePath, sizeBytes: observed.sizeBytes, mtimeMs: observed.mtimeMs };
      const { hashes, target } = prepared;
      this.#gathered.push({ file, hashes, reason: candidate.reason, target, candidate });
      // #takeDue records what it gathered at the end of its turn; should a take ever come from
      // elsewhere, the end of this task does, so that no gathered file waits for another turn.
      if (this.#gathered.length === 1) queueMicrotask(() => this.#recordGathered());
      return undefined;
    }
    let taking: Promise<RecordOutcome | undefined>;
    try {
      taking = this.#readAndRecord(relativePath, observed, candidate);
    } catch (error) {
      taking = Promise.reject(error);
    }
    return taking.then(
      (outcome) =>
        this.#endTake(relativePath, () => {
          if (outcome) this.#onRecorded(relativePath, observed, candidate, outcome);
        }),
      (error: unknown) =>
        this.#endTake(relativePath, () =>
          this.#onTakeFailed(relativePath, observed, candidate, error),
        ),
    );
  }

  /** Records the prepared files taken in this turn together; then each take ends as above. */
  #recordGathered(): void {
    const gathered = this.#gathered;
    if (gathered.length === 0) return;
    this.#gathered = [];
    let recording: Promise<RecordResult[]>;
    try {
      recording = recordTogether(this.#recordContext, gathered);
    } catch (error) {
      recording = Promise.resolve(gathered.map((): RecordResult => ({ isOk: false, error })));
    }
    this.#track(
      recording.then((results) => {
        gathered.forEach(({ file, candidate }, index) => {
          const result = results[index];
          this.#endTake(file.relativePath, () => {
            if (result?.isOk) this.#onRecorded(file.relativePath, file, candidate, result.value);
            else this.#onTakeFailed(file.relativePath, file, candidate, result?.error);
          });
        });
      }),
    );
  }

  /** Handles how a take ended, then ends the path's busy time (and looks again if asked). */
  #endTake(relativePath: string, handle: () => void): void {
    try {
      handle();
    } finally {
      const again = this.#busy.get(relativePath);
      this.#busy.delete(relativePath);
      if (again !== undefined) this.#track(this.#observe(relativePath, again));
    }
  }

  /**
   * Takes a file that was not prepared: looked up first (a known version needs nothing, one
   * whose previous version is being sent waits, and neither is read), then read, hashed and
   * recorded. Undefined when there is nothing to record.
   */
  async #readAndRecord(
    relativePath: string,
    observed: { sizeBytes: number; mtimeMs: number },
    candidate: Candidate,
  ): Promise<RecordOutcome | undefined> {
    const latest = this.#options.store.findLatestVersion(this.folder.id, relativePath);
    if (isKnownVersion(latest, observed.sizeBytes, observed.mtimeMs)) return undefined;
    if (latest && inDeliveryStates.includes(latest.state)) {
      return { inDeliveryItemId: latest.itemId };
    }
    if (latest) this.#waitingOnDelivery.delete(latest.itemId);
    // Prepared: read while it had the size and mtime the lstat at the end of its window saw.
    const hashes = candidate.prepared?.hashes ?? (await this.#readFinished(relativePath, observed));
    if (!hashes) {
      // Written to (or removed) while it was read: not finished after all.
      this.#busy.set(relativePath, candidate.reason);
      return undefined;
    }
    if (this.#isClosed) return undefined;
    return recordFile(this.#recordContext, { relativePath, ...observed }, hashes, candidate.reason);
  }

  #onRecorded(
    relativePath: string,
    observed: { sizeBytes: number; mtimeMs: number },
    candidate: Candidate,
    outcome: RecordOutcome,
  ): void {
    if ('inDeliveryItemId' in outcome) {
      // Delivery is sending the previous version; this one is looked at when that ends.
      this.#setCandidate(relativePath, observed, 'changed', 0, this.#retryDelayMs());
      // It was stable already: once that delivery ends it is taken without a new wait.
      const waiting = this.#candidates.get(relativePath);
      if (waiting) waiting.stableSinceMs = candidate.stableSinceMs;
      this.#waitingOnDelivery.set(outcome.inDeliveryItemId, relativePath);
      return;
    }
    const { item } = outcome;
    // A version that waited for a delivery that ended otherwise (failed, retrying) took its item.
    this.#waitingOnDelivery.delete(item.id);
    this.#recordedLog.add(item);
  }

  /** Reads and hashes a file taken; undefined when it changed while it was read. */
  async #readFinished(
    relativePath: string,
    observed: { sizeBytes: number; mtimeMs: number },
  ): Promise<FileHashes | undefined> {
    const absolutePath = this.#absolute(relativePath);
    const keepBytes = this.#keepBytes(relativePath);
    const hashes =
      observed.sizeBytes <= smallFileBytes && !this.#isStatSlow
        ? hashSmallFileSync(absolutePath, keepBytes, observed.sizeBytes)
        : await this.#options.limitReads(
            () => hashFile(absolutePath, keepBytes, observed.sizeBytes),
            observed.sizeBytes,
          );
    const after = await this.#lstat(relativePath);
    const isUnchanged =
      after !== 'missing' &&
      after?.isFile() === true &&
      after.size === observed.sizeBytes &&
      Math.floor(after.mtimeMs) === observed.mtimeMs &&
      hashes.sizeBytes === observed.sizeBytes;
    return isUnchanged ? hashes : undefined;
  }

  #onTakeFailed(
    relativePath: string,
    observed: { sizeBytes: number; mtimeMs: number },
    candidate: Candidate,
    error: unknown,
  ): void {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    if (missingCodes.has(code)) {
      this.#scheduleGoneCheck(relativePath);
      return;
    }
    if (busyCodes.has(code)) {
      // Another program still holds the file open: it is not finished yet.
      this.#waitWhileHeld(relativePath, observed, candidate, { code });
      return;
    }
    // Anything else (a full disk when quarantining, a name the OS refuses): the next scan tries
    // again; the file stays where it is, and nothing half-done was recorded.
    this.#logger.error(
      { path: relativePath, code, err: error },
      'The file could not be recorded; the next scan tries again',
    );
  }

  /**
   * Another program holds the file (open for writing, or it refuses the read): it is not
   * finished, and is looked at again after another window, for as long as that lasts. Each look
   * is logged at debug, and now and then at warn, naming the program where the OS does.
   */
  #waitWhileHeld(
    relativePath: string,
    observed: { sizeBytes: number; mtimeMs: number },
    candidate: Candidate,
    holder: { code: string } | OpenWriter,
  ): void {
    const busyCount = candidate.busyCount + 1;
    const level = busyCount % 20 === 5 ? 'warn' : 'debug';
    if ('code' in holder) {
      this.#logger[level](
        { path: relativePath, ...holder, busyCount },
        'The file cannot be read yet (another program holds it); trying again',
      );
    } else {
      this.#logger[level](
        { path: relativePath, ...holder, check: this.#writerCheck.mechanism, busyCount },
        'Another program still has the file open to write; it is taken once that program closes it',
      );
    }
    this.#setCandidate(relativePath, observed, candidate.reason, busyCount, this.#retryDelayMs());
  }

  #retryDelayMs(): number {
    return Math.max(this.folder.stabilityWindowMs, goneGraceMs);
  }

  // ── Files that disappear ───────────────────────────────────────────────────────────────────

  /** After a grace period (a save by rename briefly removes the file), records it as gone. */
  #scheduleGoneCheck(relativePath: string): void {
    if (this.#goneChecks.has(relativePath) || this.#isClosed) return;
    const timer = this.#options.clock.setTimeout(() => {
      this.#goneChecks.delete(relativePath);
      this.#track(this.#confirmGone(relativePath));
    }, this.#retryDelayMs());
    this.#goneChecks.set(relativePath, timer);
  }

  #cancelGoneCheck(relativePath: string): void {
    void this.#goneChecks.get(relativePath)?.close();
    this.#goneChecks.delete(relativePath);
  }

  async #confirmGone(relativePath: string): Promise<void> {
    if (this.#isClosed || !this.#health.isAvailable) return;
    const stats = await this.#lstat(relativePath);
    if (stats !== 'missing') {
      if (stats?.isFile()) await this.#observe(relativePath, 'changed');
      return;
    }
    // The folder itself may be what went away: then nothing is gone, the folder is unavailable.
    await this.#checkAvailability();
    if (!this.#health.isAvailable || this.#isClosed) return;
    const store = this.#options.store;
    const latest = store.findLatestItemForPath(this.folder.id, relativePath);
    if (latest && goneCapableStates.includes(latest.state)) {
      store.transitionItem(latest.id, 'gone', {}, {}, goneCapableStates);
      this.#logger.info({ itemId: latest.id, path: relativePath }, 'File gone before it was sent');
    }
  }

  // ── Scans ──────────────────────────────────────────────────────────────────────────────────

  /** One scan at a time; a scan asked for while one runs runs once more after it. */
  #scan(): Promise<void> {
    if (this.#scanning) {
      this.#isScanWanted = true;
      return this.#scanning;
    }
    this.#scanning = (async () => {
      do {
        this.#isScanWanted = false;
        await this.#scanOnce();
      } while (this.#isScanWanted && !this.#isClosed);
    })().finally(() => {
      this.#scanning = undefined;
    });
    return this.#scanning;
  }

  async #scanOnce(): Promise<void> {
    if (this.#isClosed || !this.#health.isAvailable) return;
    const startedAt = this.#options.clock.monotonicNow();
    const store = this.#options.store;
    const folderId = this.folder.id;
    const isKeep = this.folder.afterUpload.action === 'keep';
    /** Folders listed completely; and those of them where a waiting item's file was not seen. */
    const listed = new Set<string>();
    const incomplete: string[] = [];
    let waitingSeen = 0;
    let waitingInListed = 0;
    let fileCount = 0;
    let unknownCount = 0;
    for await (const part of scanFolder(this.folder.path, {
      rules: this.#rules,
      isRecursive: this.folder.recursive,
      isStatSlow: this.#isStatSlow,
      signal: this.#abort.signal,
      onProblem: (problem) => this.#reportProblem(problem),
    })) {
      if (part.isListed) {
        // Every waiting item here had its file listed, unless there are more of them than seen.
        listed.add(part.directory);
        const waitingCount = store.countPathsInStates(folderId, goneCapableStates, part.directory);
        if (waitingCount !== waitingSeen) incomplete.push(part.directory);
        waitingInListed += waitingCount;
        waitingSeen = 0;
        continue;
      }
      for (const file of part.files) {
        fileCount += 1;
        const latest = store.findLatestVersion(folderId, file.relativePath);
        if (latest && goneCapableStates.includes(latest.state)) waitingSeen += 1;
        if (isKnownVersion(latest, file.sizeBytes, file.mtimeMs)) {
          if (latest?.state === 'delivered' && !isKeep) {
            const item = store.getItem(latest.itemId);
            if (item) this.#options.onDeliveredFileFound(item);
          }
          continue;
        }
        unknownCount += 1;
        this.#track(this.#observe(file.relativePath, 'caught-up', file));
      }
    }
    if (this.#isClosed || !this.#health.isAvailable) return;
    const missing: string[] = [];
    for (const directory of incomplete) {
      const names = await this.#listNames(directory);
      const nameStart = directory ? directory.length + 1 : 0;
      for (const relativePath of store.iteratePathsInStates(
        folderId,
        goneCapableStates,
        directory,
      )) {
        if (!names.has(relativePath.slice(nameStart))) missing.push(relativePath);
      }
    }
    // Waiting items in folders the walk did not list (removed, unreadable, now ignored), if any.
    if (store.countPathsInStates(folderId, goneCapableStates) !== waitingInListed) {
      for (const relativePath of store.iteratePathsInStates(folderId, goneCapableStates)) {
        const slash = relativePath.lastIndexOf('/');
        if (!listed.has(slash < 0 ? '' : relativePath.slice(0, slash))) missing.push(relativePath);
      }
    }
    // Scheduled after the statements are done: a gone check may write to the store.
    for (const relativePath of missing) this.#scheduleGoneCheck(relativePath);
    this.#logger.debug(
      {
        files: fileCount,
        unknownCount,
        durationMs: Math.round(this.#options.clock.monotonicNow() - startedAt),
      },
      'Folder scanned',
    );
  }

  /** The names in one folder now (empty when it cannot be listed: its items may be gone). */
  async #listNames(directory: string): Promise<Set<string>> {
    try {
      return new Set(await fs.promises.readdir(path.join(this.folder.path, directory)));
    } catch {
      return new Set();
    }
  }

  #reportProblem(problem: { relativePath: string; code: string; message: string }): void {
    const key = `${problem.code}:${problem.relativePath}`;
    if (this.#reportedProblems.has(key)) return;
    this.#reportedProblems.add(key);
    this.#logger.warn(problem, 'A file or folder in the watched folder cannot be taken');
  }

  // ── Helpers ────────────────────────────────────────────────────────────────────────────────

  /**
   * lstat, with a vanished file as 'missing' and other errors (EPERM, ENAMETOOLONG) logged;
   * through the thread pool where file system calls may take long (#isStatSlow).
   */
  async #lstat(relativePath: string): Promise<fs.Stats | 'missing' | undefined> {
    if (!this.#isStatSlow) return this.#lstatNow(relativePath);
    try {
      return await fs.promises.lstat(this.#absolute(relativePath));
    } catch (error) {
      return this.#onLstatFailed(relativePath, error);
    }
  }

  /**
   * Runs `then` with the path's lstat: at once on a local disk, after the thread pool's answer
   * where file system calls may take long (#isStatSlow). Its promise, if any, is the caller's.
   */
  #withStats(
    relativePath: string,
    then: (stats: fs.Stats | 'missing' | undefined) => Promise<void> | undefined,
  ): Promise<void> | undefined {
    if (this.#isStatSlow) return this.#lstat(relativePath).then(then);
    return then(this.#lstatNow(relativePath));
  }

  /** How many leading bytes of a file to keep while hashing it: a request file's, for its parse. */
  #keepBytes(relativePath: string): number {
    return this.#rules.isRequestFile(relativePath) ? requestFileMaxBytes : 0;
  }

  /** lstat, synchronously (on a local disk cheaper than a thread-pool round trip). */
  #lstatNow(relativePath: string): fs.Stats | 'missing' | undefined {
    try {
      return fs.lstatSync(this.#absolute(relativePath));
    } catch (error) {
      return this.#onLstatFailed(relativePath, error);
    }
  }

  /**
   * A file's absolute path: the folder's path and the relative one joined without path.join's
   * normalizing (a relative path is clean already; several looks per file in a burst).
   */
  #absolute(relativePath: string): string {
    return (
      this.#rootPrefix + (path.sep === '/' ? relativePath : relativePath.replaceAll('/', path.sep))
    );
  }

  #onLstatFailed(relativePath: string, error: unknown): 'missing' | undefined {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    if (missingCodes.has(code)) return 'missing';
    this.#reportProblem({ relativePath, code, message: (error as Error).message });
    return undefined;
  }

  #forgetPending(): void {
    for (const candidate of this.#candidates.values()) void candidate.timer.close();
    this.#candidates.clear();
    this.#preparedHeadBytes = 0;
    this.#due.clear();
    for (const timer of this.#goneChecks.values()) void timer.close();
    this.#goneChecks.clear();
  }

  #trackIfAny(work: Promise<void> | undefined): void {
    if (work) this.#track(work);
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.#logger.error({ err: error }, 'Intake work failed');
    });
    this.#inFlight.add(tracked);
    void tracked.then(() => this.#inFlight.delete(tracked));
  }

  /**
   * Whether file system calls may take long: folders in polling mode are network shares and the
   * like, where they go to the thread pool. On local disks, stat and small reads are synchronous.
   */
  get #isStatSlow(): boolean {
    return this.folder.polling.enabled;
  }

  #now(): number {
    return this.#options.clock.now();
  }
}

/** A file's size and mtime as intake compares them, and its change time when it was lstat'ed. */
interface FileVersion {
  sizeBytes: number;
  mtimeMs: number;
  /** The file's ctime (epoch ms), when known: see #heldStillMs. */
  changedAtMs?: number;
}

function versionOf(stats: fs.Stats): FileVersion {
  return { sizeBytes: stats.size, mtimeMs: Math.floor(stats.mtimeMs), changedAtMs: stats.ctimeMs };
}

/** Why a folder cannot be watched, in plain words. */
function describeFolderError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return 'the folder does not exist (moved, renamed, or its drive or network share is not connected)';
  }
  if (code === 'EACCES' || code === 'EPERM') return 'SiteDrop is not allowed to read the folder';
  return `the folder cannot be read (${code ?? String(error)})`;
}
