import type { TimerHandle } from '../../lifecycle/index.ts';
import type { FileHashes } from '../hash-file.ts';
import type { QueueReason } from '../file-version.ts';
import type { TargetPath } from '../target-path.ts';

/**
 * A file read halfway through its wait while it had this very size and mtime: its hashes, and its
 * target path when its name needs no mapping (what is left for the end of the wait is less).
 */
export interface PreparedFile {
  hashes: FileHashes;
  target: TargetPath | undefined;
}

/** Seen but not yet finished: its size and mtime, and since when they held still. */
export interface SettlingFile {
  readonly kind: 'settling';
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  /** Monotonic ms since which the size and mtime held still. */
  readonly stableSinceMs: number;
  readonly reason: QueueReason;
  /** When it is looked at next; replaced only through FileStates.wait. */
  readonly timer: TimerHandle;
  /** How often it was found held by another program (open for writing, or opening failed). */
  readonly busyCount: number;
  /** Whether it is to be read and hashed halfway through its wait (not yet tried). */
  readonly isToPrepare: boolean;
  /** Its read-ahead, set only through FileStates.prepare. */
  readonly prepared: PreparedFile | undefined;
  /** The item of its previous version that delivery is sending, which it waits for. */
  readonly waitingOnItemId: number | undefined;
}

/** Being read, hashed or recorded: a hint meanwhile asks for one more look once that ends. */
export interface TakingFile {
  readonly kind: 'taking';
  /** Why to look at the file again when the take ends; undefined when nothing asked. */
  lookAgain: QueueReason | undefined;
}

/** Not there: its item is recorded as gone when the timer ends, unless it comes back first. */
export interface MissingFile {
  readonly kind: 'missing';
  readonly timer: TimerHandle;
}

/** Where one file is in intake. A path with no state is known or not seen: nothing is pending. */
export type FileState = SettlingFile | TakingFile | MissingFile;

/** What a file starts settling with; the rest is FileStates' own. */
export type NewSettling = Omit<
  SettlingFile,
  'kind' | 'isToPrepare' | 'prepared' | 'waitingOnItemId'
> & {
  isToPrepare?: boolean;
  /** Waits for this item's delivery (default: what its earlier settling waited for, if any). */
  waitingOnItemId?: number;
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Every pending file of one watched folder, one state object per path, changed only by the named
 * transitions below:
 *
 * - (none) → settling: `settle`, a file seen new or changed;
 * - settling → settling: `settle` (changed, or held by another program), `wait`, `prepare`;
 * - settling → taking: `take`, the file is finished;
 * - taking → (none): `endTake`; or the take's outcome first: `settle` (held, or behind the
 *   delivery of its previous version), `miss`;
 * - any → missing: `miss`; missing → (none) when its grace period ends (then it is confirmed gone);
 * - any → (none): `forget` (a known version, or no longer a file); `forgetWaiting` (the folder).
 *
 * What hangs off the states is derived here, in one place: the leading bytes that prepared files
 * hold, and which waiting file each delivery releases. Every way out of `settling` closes its
 * timer and gives back its bytes.
 */
export class FileStates {
  readonly #states = new Map<string, FileState>();
  /** Item id → path of the settling file that waits for that item's delivery. */
  readonly #waitingOnDelivery = new Map<number, string>();
  #preparedHeadBytes = 0;

  /** The leading bytes of request files that prepared (settling) files hold now. */
  get preparedHeadBytes(): number {
    return this.#preparedHeadBytes;
  }

  /** How many files have a state. */
  get size(): number {
    return this.#states.size;
  }

  get(relativePath: string): FileState | undefined {
    return this.#states.get(relativePath);
  }

  /** The file's settling state, if it is settling. */
  settling(relativePath: string): SettlingFile | undefined {
    const state = this.#states.get(relativePath);
    return state?.kind === 'settling' ? state : undefined;
  }

  /** The file's taking state, if it is being taken. */
  taking(relativePath: string): TakingFile | undefined {
    const state = this.#states.get(relativePath);
    return state?.kind === 'taking' ? state : undefined;
  }

  /** Any state → settling (a new wait; an earlier one ends, and its delivery wait carries over). */
  settle(relativePath: string, waiting: NewSettling): SettlingFile {
    const earlier = this.#states.get(relativePath);
    const waitingOnItemId =
      waiting.waitingOnItemId ??
      (earlier?.kind === 'settling' ? earlier.waitingOnItemId : undefined);
    if (earlier) this.#leave(relativePath, earlier);
    const state: SettlingFile = {
      ...waiting,
      kind: 'settling',
      isToPrepare: waiting.isToPrepare ?? false,
      prepared: undefined,
      waitingOnItemId,
    };
    this.#states.set(relativePath, state);
    if (waitingOnItemId !== undefined) this.#waitingOnDelivery.set(waitingOnItemId, relativePath);
    return state;
  }

  /** Settling → settling: looked at early (halfway), it waits on with a new timer. */
  wait(file: SettlingFile, timer: TimerHandle): void {
    const state = file as Mutable<SettlingFile>;
    void state.timer.close();
    state.timer = timer;
    state.isToPrepare = false;
  }

  /** Settling → settling with its read-ahead, whose leading bytes count against the limit. */
  prepare(file: SettlingFile, prepared: PreparedFile): void {
    const state = file as Mutable<SettlingFile>;
    this.#preparedHeadBytes -= state.prepared?.hashes.headBytes.length ?? 0;
    state.prepared = prepared;
    this.#preparedHeadBytes += prepared.hashes.headBytes.length;
  }

  /** Settling (or none) → taking: the file is read, hashed or recorded now. */
  take(relativePath: string): TakingFile {
    const earlier = this.#states.get(relativePath);
    if (earlier) this.#leave(relativePath, earlier);
    const state: TakingFile = { kind: 'taking', lookAgain: undefined };
    this.#states.set(relativePath, state);
    return state;
  }

  /** While taking, a hint asks for one more look after it (the first reason stands). */
  lookAgainAfterTake(taking: TakingFile, reason: QueueReason): void {
    taking.lookAgain ??= reason;
  }

  /**
   * Taking → none, unless the take's own outcome moved the file on already (it waits again, or is
   * missing). Returns why to look at the file again, if a hint asked meanwhile.
   */
  endTake(relativePath: string, taking: TakingFile): QueueReason | undefined {
    if (this.#states.get(relativePath) === taking) this.#states.delete(relativePath);
    return taking.lookAgain;
  }

  /**
   * → missing, with the timer `startTimer` makes; a file already missing keeps its timer (its grace
   * period counts from when it was first missed).
   */
  miss(relativePath: string, startTimer: () => TimerHandle): void {
    const earlier = this.#states.get(relativePath);
    if (earlier?.kind === 'missing') return;
    if (earlier) this.#leave(relativePath, earlier);
    this.#states.set(relativePath, { kind: 'missing', timer: startTimer() });
  }

  /** Any state → none. */
  forget(relativePath: string): void {
    const earlier = this.#states.get(relativePath);
    if (!earlier) return;
    this.#leave(relativePath, earlier);
    this.#states.delete(relativePath);
  }

  /**
   * Delivery of an item ended: the settling file that waited for it waits no more (and is
   * returned, so that it can be looked at now).
   */
  deliveryEnded(itemId: number): { relativePath: string; file: SettlingFile } | undefined {
    const relativePath = this.#waitingOnDelivery.get(itemId);
    if (relativePath === undefined) return undefined;
    this.#waitingOnDelivery.delete(itemId);
    const file = this.settling(relativePath);
    if (!file || file.waitingOnItemId !== itemId) return undefined;
    (file as Mutable<SettlingFile>).waitingOnItemId = undefined;
    return { relativePath, file };
  }

  /** Every settling and missing file → none (the folder is gone or replaced); takes run on. */
  forgetWaiting(): void {
    for (const [relativePath, state] of this.#states) {
      if (state.kind === 'taking') continue;
      this.#leave(relativePath, state);
      this.#states.delete(relativePath);
    }
  }

  /** The one way out of a state: its timer closes, and what it held is given back. */
  #leave(relativePath: string, state: FileState): void {
    if (state.kind === 'taking') return;
    void state.timer.close();
    if (state.kind !== 'settling') return;
    this.#preparedHeadBytes -= state.prepared?.hashes.headBytes.length ?? 0;
    const { waitingOnItemId } = state;
    if (
      waitingOnItemId !== undefined &&
      this.#waitingOnDelivery.get(waitingOnItemId) === relativePath
    ) {
      this.#waitingOnDelivery.delete(waitingOnItemId);
    }
  }
}
