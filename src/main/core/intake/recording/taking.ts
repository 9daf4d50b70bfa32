import {
  inDeliveryStates,
  isKnownVersion,
  type FileVersion,
  type QueueReason,
} from '../file-version.ts';
import { missingCodes } from '../folder-files.ts';
import { hashFile, hashSmallFileSync, type FileHashes } from '../hash-file.ts';
import type { ReadLimiter } from '../read-limiter.ts';
import type { StageContext } from '../stage-context.ts';
import {
  smallFileBytes,
  type FileStates,
  type Settling,
  type SettlingFile,
  type TakingFile,
} from '../settling/index.ts';
import {
  recordFile,
  recordTogether,
  type ReadyFile,
  type RecordContext,
  type RecordOutcome,
  type RecordResult,
} from './record-file.ts';
import type { RecordedFilesLog } from './recorded-files-log.ts';

/** Error codes that mean "another program still has the file": not finished, try later. */
const busyCodes = new Set(['EBUSY', 'EACCES', 'EPERM', 'EAGAIN']);

/** A prepared file taken, waiting for the end of the turn to be recorded with the others. */
interface GatheredFile extends ReadyFile {
  settled: SettlingFile;
  taking: TakingFile;
}

/** What taking needs of its folder's intake. */
export interface TakingOptions extends StageContext {
  recordContext: RecordContext;
  states: FileStates;
  settling: Pick<Settling, 'waitWhileHeld' | 'waitForDelivery'>;
  recordedLog: RecordedFilesLog;
  limitReads: ReadLimiter;
  /** The take found the file missing: it starts its grace period before it counts as gone. */
  onMissing: (relativePath: string) => void;
  /** Looks at a file again (a hint came while it was taken). */
  observe: (relativePath: string, reason: QueueReason) => Promise<void>;
}

/**
 * Takes finished files: reads and hashes them (unless read ahead), re-checks that they did not
 * change meanwhile, and records them. Prepared files whose names SharePoint takes as they are
 * are gathered during a turn and recorded together at its end, in one work of the group commit.
 */
export class Taking {
  readonly #options: TakingOptions;
  readonly #states: FileStates;
  /** Prepared files taken in this turn, recorded together at its end (recordGathered). */
  #gathered: GatheredFile[] = [];

  constructor(options: TakingOptions) {
    this.#options = options;
    this.#states = options.states;
  }

  /**
   * Takes a finished file. A prepared one whose name SharePoint takes as it is is recorded at the
   * end of the turn, with the other prepared files taken in it (they share the commit, and
   * nothing is read again); any other is checked against the store, then read and hashed first.
   * Taking until recorded: hints meanwhile look again after it.
   */
  take(relativePath: string, observed: FileVersion, file: SettlingFile): Promise<void> | undefined {
    if (this.#options.isClosed()) {
      this.#states.forget(relativePath);
      return undefined;
    }
    const taking = this.#states.take(relativePath);
    const { prepared } = file;
    if (prepared?.target) {
      const finished = { relativePath, sizeBytes: observed.sizeBytes, mtimeMs: observed.mtimeMs };
      const { hashes, target } = prepared;
      const gathered = { file: finished, hashes, reason: file.reason, target, settled: file };
      this.#gathered.push({ ...gathered, taking });
      // The due turn records what it gathered at its end; should a take ever come from
      // elsewhere, the end of this task does, so that no gathered file waits for another turn.
      if (this.#gathered.length === 1) queueMicrotask(() => this.recordGathered());
      return undefined;
    }
    let recording: Promise<RecordOutcome | undefined>;
    try {
      recording = this.#readAndRecord(relativePath, observed, file, taking);
    } catch (error) {
      recording = Promise.reject(error);
    }
    return recording.then(
      (outcome) =>
        this.#endTake(relativePath, taking, () => {
          if (outcome) this.#onRecorded(relativePath, observed, file, outcome);
        }),
      (error: unknown) =>
        this.#endTake(relativePath, taking, () =>
          this.#onTakeFailed(relativePath, observed, file, error),
        ),
    );
  }

  /** Records the prepared files taken in this turn together; then each take ends as above. */
  recordGathered(): void {
    const gathered = this.#gathered;
    if (gathered.length === 0) return;
    this.#gathered = [];
    let recording: Promise<RecordResult[]>;
    try {
      recording = recordTogether(this.#options.recordContext, gathered);
    } catch (error) {
      recording = Promise.resolve(gathered.map((): RecordResult => ({ isOk: false, error })));
    }
    this.#options.track(
      recording.then((results) => {
        gathered.forEach(({ file, settled, taking }, index) => {
          const result = results[index];
          this.#endTake(file.relativePath, taking, () => {
            if (result?.isOk) this.#onRecorded(file.relativePath, file, settled, result.value);
            else this.#onTakeFailed(file.relativePath, file, settled, result?.error);
          });
        });
      }),
    );
  }

  /** Handles how a take ended, then ends the file's taking state (and looks again if asked). */
  #endTake(relativePath: string, taking: TakingFile, handle: () => void): void {
    try {
      handle();
    } finally {
      const again = this.#states.endTake(relativePath, taking);
      if (again !== undefined) this.#options.track(this.#options.observe(relativePath, again));
    }
  }

  /**
   * Takes a file that was not prepared: looked up first (a known version needs nothing, one
   * whose previous version is being sent waits, and neither is read), then read, hashed and
   * recorded. Undefined when there is nothing to record.
   */
  async #readAndRecord(
    relativePath: string,
    observed: FileVersion,
    file: SettlingFile,
    taking: TakingFile,
  ): Promise<RecordOutcome | undefined> {
    const { recordContext } = this.#options;
    const latest = recordContext.store.findLatestVersion(recordContext.folder.id, relativePath);
    if (isKnownVersion(latest, observed.sizeBytes, observed.mtimeMs)) return undefined;
    if (latest && inDeliveryStates.includes(latest.state)) {
      return { inDeliveryItemId: latest.itemId };
    }
    // Prepared: read while it had the size and mtime the lstat at the end of its window saw.
    const hashes = file.prepared?.hashes ?? (await this.#readFinished(relativePath, observed));
    if (!hashes) {
      // Written to (or removed) while it was read: not finished after all.
      taking.lookAgain = file.reason;
      return undefined;
    }
    if (this.#options.isClosed()) return undefined;
    const { sizeBytes, mtimeMs } = observed;
    return recordFile(recordContext, { relativePath, sizeBytes, mtimeMs }, hashes, file.reason);
  }

  #onRecorded(
    relativePath: string,
    observed: FileVersion,
    file: SettlingFile,
    outcome: RecordOutcome,
  ): void {
    if ('inDeliveryItemId' in outcome) {
      this.#options.settling.waitForDelivery(
        relativePath,
        observed,
        file,
        outcome.inDeliveryItemId,
      );
      return;
    }
    this.#options.recordedLog.add(outcome.item);
  }

  /** Reads and hashes a file taken; undefined when it changed while it was read. */
  async #readFinished(
    relativePath: string,
    observed: FileVersion,
  ): Promise<FileHashes | undefined> {
    const { files, limitReads } = this.#options;
    const absolutePath = files.absolute(relativePath);
    const keepBytes = files.keepBytes(relativePath);
    const hashes =
      observed.sizeBytes <= smallFileBytes && !files.isStatSlow
        ? hashSmallFileSync(absolutePath, keepBytes, observed.sizeBytes)
        : await limitReads(
            () => hashFile(absolutePath, keepBytes, observed.sizeBytes),
            observed.sizeBytes,
          );
    const after = await files.lstat(relativePath);
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
    observed: FileVersion,
    file: SettlingFile,
    error: unknown,
  ): void {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    if (missingCodes.has(code)) {
      this.#options.onMissing(relativePath);
      return;
    }
    if (busyCodes.has(code)) {
      // Another program still holds the file open: it is not finished yet.
      this.#options.settling.waitWhileHeld(relativePath, observed, file, { code });
      return;
    }
    // Anything else (a full disk when quarantining, a name the OS refuses): the next scan tries
    // again; the file stays where it is, and nothing half-done was recorded.
    this.#options.logger.error(
      { path: relativePath, code, err: error },
      'The file could not be recorded; the next scan tries again',
    );
  }
}
