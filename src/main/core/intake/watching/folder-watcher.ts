import { watch, type FSWatcher } from 'chokidar';
import { versionOf, type FileVersion } from '../file-version.ts';
import type { LstatResult } from '../folder-files.ts';
import type { PathRules } from '../path-rules.ts';
import type { StageContext } from '../stage-context.ts';
import { DirectoryWatcher } from './directory-watcher.ts';

/** What the watcher tells its folder's intake. */
export interface FolderWatcherOptions extends StageContext {
  rules: PathRules;
  /** A file was seen at this version (lstat'ed already): it may be new or changed. */
  onFileSeen: (relativePath: string, version: FileVersion) => void;
  /** A file may be new or changed (not lstat'ed yet; polling mode). */
  onFileHint: (relativePath: string) => void;
  /** A file is not there. */
  onFileMissing: (relativePath: string) => void;
  /** Folders came or went under the root: a scan finds what they brought and took away. */
  scan: () => Promise<void>;
  /** The root itself changed (removed, replaced) or events overflowed: look at it again. */
  onRootChanged: () => void;
}

/**
 * Watches one folder for names that change: fs.watch per folder (DirectoryWatcher), or chokidar's
 * polling on network shares. What a change means is decided here: a file is handed on to be
 * waited for, a new folder is watched and scanned (a folder moved in brings its files), a vanished
 * folder is unwatched and scanned (what it took away is gone).
 */
export class FolderWatcher {
  readonly #options: FolderWatcherOptions;
  #watcher: DirectoryWatcher | FSWatcher | undefined;

  constructor(options: FolderWatcherOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { folder, rules, logger } = this.#options;
    if (folder.polling.enabled) {
      await this.#startPolling();
      return;
    }
    const watcher = new DirectoryWatcher({
      root: folder.path,
      isRecursive: folder.recursive,
      isIgnoredDirectory: (relativePath) => rules.isIgnored(relativePath, false),
      onPaths: (relativePaths) => {
        for (const relativePath of relativePaths) this.#trackIfAny(this.#onPath(relativePath));
      },
      onDirectory: (relativePath) => {
        // The root's own event (removed, replaced) or an overflow: look at the folder again.
        if (relativePath === '') this.#options.onRootChanged();
        else this.#trackIfAny(this.#onPath(relativePath));
        this.#options.track(this.#options.scan());
      },
      onError: (error) => {
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
        logger.warn({ code, err: error }, 'The folder watcher reported an error; it goes on');
      },
    });
    this.#watcher = watcher;
    await watcher.start();
  }

  async stop(): Promise<void> {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    await watcher?.close();
  }

  /** A name changed in a watched folder. */
  #onPath(relativePath: string): Promise<void> | undefined {
    if (this.#options.isClosed() || this.#options.rules.isIgnored(relativePath, undefined)) {
      return undefined;
    }
    // On a local disk the whole look is synchronous (an lstat, a timer): through the thread pool,
    // with three promises, intake falls behind a program moving a burst of files in
    // (docs/performance.md, "Why the code is shaped so", Intake). A file seen empty because its
    // writer has not written yet is looked at again on the write's own event.
    return this.#options.files.withStats(relativePath, (stats) =>
      this.#onPathStats(relativePath, stats),
    );
  }

  #onPathStats(relativePath: string, stats: LstatResult): Promise<void> | undefined {
    const { folder, rules, isClosed } = this.#options;
    if (!stats || isClosed()) return undefined;
    const watcher = this.#watcher;
    const directories = watcher instanceof DirectoryWatcher ? watcher : undefined;
    const isDirectory = stats !== 'missing' && stats.isDirectory();
    if (!isDirectory && directories?.isDirectory(relativePath)) {
      // A folder went away (or a file took its name): what it held is gone.
      directories.removeDirectory(relativePath);
      this.#options.track(this.#options.scan());
      if (stats === 'missing') return undefined;
    }
    if (stats === 'missing') {
      this.#options.onFileMissing(relativePath);
      return undefined;
    }
    if (isDirectory) {
      if (!folder.recursive || rules.isIgnored(relativePath, false)) return undefined;
      // A change inside a folder already watched (macOS and Windows report those) needs nothing.
      if (directories?.isKnownDirectory(relativePath, stats.ino)) return undefined;
      return (async () => {
        await directories?.addDirectory(relativePath);
        await this.#options.scan();
      })();
    }
    if (!stats.isFile() || rules.isIgnored(relativePath, true)) return undefined;
    this.#options.onFileSeen(relativePath, versionOf(stats));
    return undefined;
  }

  /**
   * Polling mode (network shares, where change notifications are not delivered) keeps chokidar's
   * stat-based polling: it has to remember each file's size and mtime to see a change at all.
   */
  async #startPolling(): Promise<void> {
    const { folder, rules, files, logger } = this.#options;
    const watcher = watch(folder.path, {
      ignored: (absolutePath, stats) => {
        const relativePath = files.toRelative(absolutePath);
        if (relativePath === undefined) return false;
        if (stats?.isSymbolicLink()) return true;
        return rules.isIgnored(relativePath, stats ? stats.isFile() : undefined);
      },
      ignoreInitial: true,
      followSymlinks: false,
      persistent: false,
      backend: 'polling',
      pollingInterval: folder.polling.intervalMs,
      pollingBinaryInterval: folder.polling.intervalMs,
      ...(folder.recursive ? {} : { depth: 0 }),
    });
    this.#watcher = watcher;
    const onFile = (absolutePath: string) => {
      const relativePath = files.toRelative(absolutePath);
      if (relativePath !== undefined) this.#options.onFileHint(relativePath);
    };
    watcher.on('add', onFile);
    watcher.on('change', onFile);
    watcher.on('unlink', (absolutePath) => {
      const relativePath = files.toRelative(absolutePath);
      if (relativePath !== undefined) this.#options.onFileMissing(relativePath);
    });
    // A folder moved in or out: the scan finds what it brought and what it took away.
    const onFolder = (absolutePath: string) => {
      if (files.toRelative(absolutePath) === undefined) this.#options.onRootChanged();
      else this.#options.track(this.#options.scan());
    };
    watcher.on('addDir', onFolder);
    watcher.on('unlinkDir', onFolder);
    watcher.on('error', (error) => {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      logger.warn({ code, err: error }, 'The folder watcher reported an error; it goes on');
    });
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  #trackIfAny(work: Promise<void> | undefined): void {
    if (work) this.#options.track(work);
  }
}
