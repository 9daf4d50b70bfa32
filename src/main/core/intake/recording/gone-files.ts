import type { StageContext } from '../stage-context.ts';
import { goneCapableStates, type QueueReason } from '../file-version.ts';
import { retryDelayMs, type FileStates } from '../settling/index.ts';

/** What recording gone files needs of its folder's intake. */
export interface GoneFilesOptions extends StageContext {
  states: FileStates;
  /** Looks at the folder itself again; resolves when that is done. */
  checkAvailability: () => Promise<void>;
  isAvailable: () => boolean;
  /** Looks at a file that came back. */
  observe: (relativePath: string, reason: QueueReason) => Promise<void>;
}

/**
 * Files that disappear before they were sent: after a grace period (a save by rename briefly
 * removes the file) the item of a file still missing is recorded as `gone`; a file that comes
 * back first is looked at again instead.
 */
export class GoneFiles {
  readonly #options: GoneFilesOptions;

  constructor(options: GoneFilesOptions) {
    this.#options = options;
  }

  /**
   * An lstat found the file missing: its wait (if any) ends and its grace period starts. A file
   * being taken is looked at again once the take ends, which finds out the same.
   */
  onMissing(relativePath: string): void {
    const taking = this.#options.states.taking(relativePath);
    if (taking) this.#options.states.lookAgainAfterTake(taking, 'changed');
    else this.miss(relativePath);
  }

  /** A scan did not find the file: one with no pending state starts its grace period. */
  onNotListed(relativePath: string): void {
    const state = this.#options.states.get(relativePath);
    if (state === undefined || state.kind === 'missing') this.miss(relativePath);
  }

  /** The file is missing, whatever its state: its grace period starts (unless it runs already). */
  miss(relativePath: string): void {
    const { states, clock, folder } = this.#options;
    if (this.#options.isClosed()) return;
    states.miss(relativePath, () =>
      clock.setTimeout(() => {
        if (states.get(relativePath)?.kind === 'missing') states.forget(relativePath);
        this.#options.track(this.#confirmGone(relativePath));
      }, retryDelayMs(folder.stabilityWindowMs)),
    );
  }

  async #confirmGone(relativePath: string): Promise<void> {
    const { isClosed, isAvailable, store, folder } = this.#options;
    if (isClosed() || !isAvailable()) return;
    const stats = await this.#options.files.lstat(relativePath);
    if (stats !== 'missing') {
      if (stats?.isFile()) await this.#options.observe(relativePath, 'changed');
      return;
    }
    // The folder itself may be what went away: then nothing is gone, the folder is unavailable.
    await this.#options.checkAvailability();
    if (!isAvailable() || isClosed()) return;
    const latest = store.findLatestItemForPath(folder.id, relativePath);
    if (latest && goneCapableStates.includes(latest.state)) {
      store.transitionItem(latest.id, 'gone', {}, {}, goneCapableStates);
      this.#options.logger.info(
        { itemId: latest.id, path: relativePath },
        'File gone before it was sent',
      );
    }
  }
}
