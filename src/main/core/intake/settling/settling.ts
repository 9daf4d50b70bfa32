import { isKnownVersion, versionOf, type FileVersion, type QueueReason } from '../file-version.ts';
import type { LstatResult } from '../folder-files.ts';
import type { StageContext } from '../stage-context.ts';
import type { OpenWriter, WriterCheck } from '../writer-check/index.ts';
import type { FileStates, SettlingFile } from './file-states.ts';
import { readAhead } from './read-ahead.ts';
import { heldStillMs, retryDelayMs, smallFileBytes } from './timing.ts';

/** What settling needs of its folder's intake. */
export interface SettlingOptions extends StageContext {
  libraryName: string;
  states: FileStates;
  writerCheck: WriterCheck;
  /** A file's wait ended: it is looked at (onDue) in the next turn with room. */
  markDue: (relativePath: string) => void;
  /** Takes a finished file, still in its settling state. Its promise, if any, is tracked. */
  take: (
    relativePath: string,
    version: FileVersion,
    file: SettlingFile,
  ) => Promise<void> | undefined;
  /** An lstat found the file missing. */
  onMissing: (relativePath: string) => void;
  /** Whether the folder is available (and intake not closed): hints are acted on. */
  isActive: () => boolean;
}

/** How a file starts or resets its wait, besides its version, reason and busy count. */
interface WaitOptions {
  /** A wait other than the stability window (another program holds it, or a delivery). */
  retryDelayMs?: number;
  /** Held still since then already (monotonic ms); default: now, less its change time's hint. */
  stableSinceMs?: number;
  waitingOnItemId?: number;
}

/**
 * When a file is finished: its size and mtime held still for `stabilityWindowMs`, and no other
 * program holds it open for writing. chokidar's and fs.watch's events are hints: every decision
 * re-reads the file's size and mtime. A small file on a local disk is read ahead halfway through
 * its window; a file held by another program waits another window, as long as it is held.
 */
export class Settling {
  readonly #options: SettlingOptions;
  readonly #states: FileStates;

  constructor(options: SettlingOptions) {
    this.#options = options;
    this.#states = options.states;
  }

  /** A hint that a file may be new or changed: confirm with lstat and start or reset its wait. */
  async observe(
    relativePath: string,
    reason: QueueReason,
    known?: { sizeBytes: number; mtimeMs: number },
  ): Promise<void> {
    if (known) {
      this.observeVersion(relativePath, reason, known);
      return;
    }
    if (!this.#options.isActive()) return;
    const taking = this.#states.taking(relativePath);
    if (taking) {
      this.#states.lookAgainAfterTake(taking, reason);
      return;
    }
    const stats = await this.#options.files.lstat(relativePath);
    if (stats === 'missing') {
      this.#options.onMissing(relativePath);
      return;
    }
    if (stats?.isFile()) {
      this.observeVersion(relativePath, reason, {
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
   * anyway halfway through its wait (readAhead) or when it is taken, and a known version is
   * dropped then. An event rarely names a known version (a chmod); each of a burst's 10,000 is new,
   * and the lookup, in a read transaction of its own, is a large share of the work per event that
   * decides whether intake keeps up with a burst (docs/performance.md, "Why the code is shaped so",
   * Intake). Scans keep the lookup: a catch-up over 100,000 known files must not wait on any.
   */
  observeVersion(
    relativePath: string,
    reason: QueueReason,
    current: FileVersion,
    options: { isLookupDeferred?: boolean } = {},
  ): void {
    if (!this.#options.isActive()) return;
    const state = this.#states.get(relativePath);
    if (state?.kind === 'taking') {
      this.#states.lookAgainAfterTake(state, reason);
      return;
    }
    const settling = state?.kind === 'settling' ? state : undefined;
    if (settling?.sizeBytes === current.sizeBytes && settling.mtimeMs === current.mtimeMs) {
      // Already waiting for this very version (a write's second event): nothing new.
      return;
    }
    if (!options.isLookupDeferred) {
      const { store, folder } = this.#options;
      const latest = store.findLatestVersion(folder.id, relativePath);
      if (isKnownVersion(latest, current.sizeBytes, current.mtimeMs)) {
        this.#states.forget(relativePath);
        return;
      }
    }
    this.#wait(relativePath, current, settling?.reason ?? reason, 0);
  }

  /** A file's timer ran out: look at the file again, and take it if its wait is over. */
  onDue(relativePath: string): Promise<void> | undefined {
    const file = this.#states.settling(relativePath);
    if (!file || this.#options.isClosed()) return undefined;
    return this.#options.files.withStats(relativePath, (stats) =>
      this.#onDueStats(relativePath, file, stats),
    );
  }

  /**
   * Another program holds the file (open for writing, or it refuses the read): it is not
   * finished, and is looked at again after another window, for as long as that lasts. Each look
   * is logged at debug, and now and then at warn, naming the program where the OS does.
   */
  waitWhileHeld(
    relativePath: string,
    observed: FileVersion,
    file: Pick<SettlingFile, 'reason' | 'busyCount'>,
    holder: { code: string } | OpenWriter,
  ): void {
    const busyCount = file.busyCount + 1;
    const level = busyCount % 20 === 5 ? 'warn' : 'debug';
    const { logger, writerCheck, folder } = this.#options;
    if ('code' in holder) {
      logger[level](
        { path: relativePath, ...holder, busyCount },
        'The file cannot be read yet (another program holds it); trying again',
      );
    } else {
      logger[level](
        { path: relativePath, ...holder, check: writerCheck.mechanism, busyCount },
        'Another program still has the file open to write; it is taken once that program closes it',
      );
    }
    this.#wait(relativePath, observed, file.reason, busyCount, {
      retryDelayMs: retryDelayMs(folder.stabilityWindowMs),
    });
  }

  /**
   * Delivery is sending the file's previous version: this one is looked at when that ends. It was
   * stable already, so once that delivery ends it is taken without a new wait.
   */
  waitForDelivery(
    relativePath: string,
    observed: FileVersion,
    file: Pick<SettlingFile, 'stableSinceMs'>,
    itemId: number,
  ): void {
    this.#wait(relativePath, observed, 'changed', 0, {
      retryDelayMs: retryDelayMs(this.#options.folder.stabilityWindowMs),
      stableSinceMs: file.stableSinceMs,
      waitingOnItemId: itemId,
    });
  }

  /**
   * An item was delivered: a newer version of its file that waited for that delivery is looked
   * at now (instead of after its retry wait). Any other delivery needs nothing here.
   */
  onItemDelivered(itemId: number): void {
    const released = this.#states.deliveryEnded(itemId);
    if (!released || this.#options.isClosed()) return;
    void released.file.timer.close();
    this.#options.markDue(released.relativePath);
  }

  /** Starts or resets a file's wait: its timer, and the state it waits in. */
  #wait(
    relativePath: string,
    current: FileVersion,
    reason: QueueReason,
    busyCount: number,
    options: WaitOptions = {},
  ): void {
    const { clock, folder, files } = this.#options;
    if (this.#options.isClosed()) {
      this.#states.forget(relativePath);
      return;
    }
    const delayMs = options.retryDelayMs ?? folder.stabilityWindowMs;
    // A small file on a local disk is read halfway through its window: see readAhead.
    const isToPrepare =
      options.retryDelayMs === undefined &&
      busyCount === 0 &&
      current.sizeBytes <= smallFileBytes &&
      !files.isStatSlow;
    const heldMs =
      options.retryDelayMs === undefined
        ? heldStillMs(current, {
            nowMs: clock.now(),
            stabilityWindowMs: folder.stabilityWindowMs,
            isStatSlow: files.isStatSlow,
          })
        : 0;
    const timer = clock.setTimeout(
      () => this.#options.markDue(relativePath),
      (isToPrepare ? Math.floor(delayMs / 2) : delayMs) - heldMs,
    );
    this.#states.settle(relativePath, {
      sizeBytes: current.sizeBytes,
      mtimeMs: current.mtimeMs,
      stableSinceMs: options.stableSinceMs ?? clock.monotonicNow() - heldMs,
      reason,
      timer,
      busyCount,
      isToPrepare,
      waitingOnItemId: options.waitingOnItemId,
    });
  }

  #onDueStats(
    relativePath: string,
    file: SettlingFile,
    stats: LstatResult,
  ): Promise<void> | undefined {
    if (this.#states.get(relativePath) !== file) return undefined;
    if (stats === 'missing') {
      this.#options.onMissing(relativePath);
      return undefined;
    }
    if (!stats?.isFile()) {
      this.#states.forget(relativePath);
      return undefined;
    }
    const current = versionOf(stats);
    if (current.sizeBytes !== file.sizeBytes || current.mtimeMs !== file.mtimeMs) {
      this.#wait(relativePath, current, file.reason, file.busyCount);
      return undefined;
    }
    const { clock, folder, writerCheck } = this.#options;
    const heldMs = clock.monotonicNow() - file.stableSinceMs;
    if (heldMs < folder.stabilityWindowMs) {
      writerCheck.prepare?.(file.stableSinceMs);
      if (file.isToPrepare && !this.#readAhead(relativePath, file)) return undefined;
      // Not rounded to whole milliseconds: rounded, these timers share Node's timer list with
      // the half-window ones, and single files come due later, some of them much later
      // (docs/performance.md, "Why the code is shaped so", Intake).
      const timer = clock.setTimeout(
        () => this.#options.markDue(relativePath),
        folder.stabilityWindowMs - heldMs,
      );
      this.#states.wait(file, timer);
      return undefined;
    }
    // Quiet for the whole window, yet a writer that pauses longer still holds it open.
    const absolutePath = this.#options.files.absolute(relativePath);
    const writer = writerCheck.findWriter(absolutePath, stats, file.stableSinceMs);
    if (writer) {
      this.waitWhileHeld(relativePath, current, file, writer);
      return undefined;
    }
    return this.#options.take(relativePath, current, file);
  }

  /** Reads the file ahead; returns whether it still waits (false: it was dropped or replaced). */
  #readAhead(relativePath: string, file: SettlingFile): boolean {
    const { folder, libraryName, store, files } = this.#options;
    const context = { folder, libraryName, store, files };
    const preparedHeadBytes = this.#states.preparedHeadBytes;
    const result = readAhead({ ...context, preparedHeadBytes }, relativePath, file);
    switch (result.kind) {
      case 'known':
        this.#states.forget(relativePath);
        return false;
      case 'changed':
        // Written to while it was read: it waits anew, as for any change.
        if (result.version) this.#wait(relativePath, result.version, file.reason, 0);
        else this.#states.forget(relativePath);
        return false;
      case 'later':
        return true;
      case 'prepared':
        this.#states.prepare(file, result.prepared);
        return true;
    }
  }
}
