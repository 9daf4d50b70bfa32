import fs from 'node:fs';
import { SingleFlight } from '../../lifecycle/index.ts';
import type { StageContext } from '../stage-context.ts';

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

/** What the availability check tells its folder's intake. */
export interface FolderAvailabilityOptions extends StageContext {
  /** The folder was found (again, or replaced by a new one): stop, forget, and watch it anew. */
  onFound: () => Promise<void>;
  /** It is available now and watched: compare it with the store. */
  onAvailable: () => void;
  /** The folder is lost: forget what waited, stop watching. */
  onLost: () => Promise<void>;
}

/**
 * Whether the watched folder is there. A lost folder is reported unavailable (an event in the
 * log, the health the feed shows), and watched and scanned again when it returns, also when it
 * was replaced by a new folder (another device and inode).
 */
export class FolderAvailability {
  readonly #options: FolderAvailabilityOptions;
  #health: FolderHealth;
  #hasChecked = false;
  #rootIdentity: string | undefined;
  readonly #checking = new SingleFlight<void>();

  constructor(options: FolderAvailabilityOptions) {
    this.#options = options;
    this.#health = {
      folderId: options.folder.id,
      path: options.folder.path,
      isAvailable: false,
      reason: 'not checked yet',
      sinceAt: options.clock.now(),
    };
  }

  get isAvailable(): boolean {
    return this.#health.isAvailable;
  }

  /** The folder's health now. */
  health(): FolderHealth {
    return { ...this.#health };
  }

  /** One check at a time: callers during a check share it. */
  check(): Promise<void> {
    return this.#checking.run(() => this.#checkOnce());
  }

  /** Waits for the check running now, if any. */
  settled(): Promise<void> {
    return this.#checking.settled();
  }

  async #checkOnce(): Promise<void> {
    const { folder, logger, isClosed } = this.#options;
    if (isClosed()) return;
    let stats: fs.Stats;
    try {
      stats = await fs.promises.stat(folder.path);
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
      logger.info('The watched folder was replaced by a new one; watching the new one');
    }
    this.#rootIdentity = identity;
    await this.#options.onFound();
    if (isClosed()) return;
    const wasAvailable = this.#health.isAvailable;
    this.#health = { ...this.#health, isAvailable: true, reason: null, sinceAt: this.#now() };
    if (wasReported && !wasAvailable) {
      logger.info({ path: folder.path }, 'The watched folder is available again');
      this.#options.store.appendEvent({
        type: 'folder.available',
        data: { folderId: folder.id, path: folder.path },
      });
    }
    this.#options.onAvailable();
  }

  async #markUnavailable(reason: string): Promise<void> {
    const { folder, logger, isClosed } = this.#options;
    const isChange = this.#health.isAvailable || !this.#hasChecked;
    this.#hasChecked = true;
    if (!isChange || isClosed()) return;
    this.#health = { ...this.#health, isAvailable: false, reason, sinceAt: this.#now() };
    this.#rootIdentity = undefined;
    await this.#options.onLost();
    logger.warn({ path: folder.path, reason }, 'The watched folder is unavailable');
    this.#options.store.appendEvent({
      type: 'folder.unavailable',
      data: { folderId: folder.id, path: folder.path, reason },
    });
  }

  #now(): number {
    return this.#options.clock.now();
  }
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
