import fs from 'node:fs';
import path from 'node:path';

/** What a directory watcher reports and asks. */
export interface DirectoryWatcherOptions {
  root: string;
  /** Watch subfolders too (and the subfolders that appear later). */
  isRecursive: boolean;
  /** Whether a subfolder is left unwatched (ignored names, the quarantine and archive folders). */
  isIgnoredDirectory: (relativePath: string) => boolean;
  /**
   * Names that changed in watched folders, '/'-separated and relative to the root, each at most
   * once per call: files or folders added, written, renamed or removed. Only hints: the caller
   * looks at each path to learn what it is now.
   */
  onPaths: (relativePaths: string[]) => void;
  /** A watched folder reported a change without a name, or one about itself (e.g. removed). */
  onDirectory: (relativePath: string) => void;
  onError: (error: Error) => void;
  /**
   * One recursive `fs.watch` for the whole tree instead of one per folder (default: on macOS and
   * Windows, where the operating system watches trees natively).
   */
  isTreeWatch?: boolean;
}

/** How many changed names one event-loop turn hands on; the rest follow after setImmediate. */
const pathsPerTurn = 256;
/** Platforms where `fs.watch` watches a whole tree natively (FSEvents, ReadDirectoryChangesW). */
const hasNativeRecursiveWatch = process.platform === 'darwin' || process.platform === 'win32';

/**
 * Watches a folder tree with `fs.watch` at directory level and keeps nothing per file, so memory
 * follows the number of folders, not of files: on Linux one inotify watch per folder, on macOS and
 * Windows one recursive watch for the tree. chokidar 6 holds a name set per folder and, at start,
 * stats every file concurrently, which costs memory per file (docs/performance.md, "Why the code is
 * shaped so", Intake). Intake needs no more than "this name changed": every decision re-reads the
 * file, and the catch-up and reconciliation scans find what the events missed.
 *
 * Names are collected and handed on in batches of at most `pathsPerTurn`, one batch per
 * event-loop turn, so a burst of thousands of files never holds the thread (the feed shares it).
 */
export class DirectoryWatcher {
  readonly #options: DirectoryWatcherOptions;
  /** The watches, by the relative path of their folder ('' is the root). */
  readonly #watchers = new Map<string, fs.FSWatcher>();
  /**
   * Every folder of the tree, by relative path, with its inode: what tells a vanished folder
   * from a file, and a folder made anew under an old name from a change inside a known one.
   */
  readonly #directories = new Map<string, number>();
  readonly #isTreeWatch: boolean;
  #changed = new Set<string>();
  #isFlushScheduled = false;
  #isClosed = false;

  constructor(options: DirectoryWatcherOptions) {
    this.#options = options;
    this.#isTreeWatch = options.isRecursive && (options.isTreeWatch ?? hasNativeRecursiveWatch);
  }

  /** Starts watching the root and, when recursive, every folder below it. */
  async start(): Promise<void> {
    if (this.#isTreeWatch && !this.#watch('', true)) return;
    await this.addDirectory('');
  }

  /** Whether a path is a folder of the watched tree (as far as the watcher has heard). */
  isDirectory(relativePath: string): boolean {
    return this.#directories.has(relativePath);
  }

  /**
   * Whether a path is this very folder of the tree (same inode): an event about it is then a
   * change inside it (macOS and Windows report those), not a folder made or moved in.
   */
  isKnownDirectory(relativePath: string, inode: number): boolean {
    return this.#directories.get(relativePath) === inode;
  }

  /**
   * Takes in a folder that appeared, and the folders inside it, walking folders only: each is
   * watched (or, under a tree watch, only remembered). One that replaced a known folder of the
   * same name is watched anew, with what is below it.
   */
  async addDirectory(relativePath: string): Promise<void> {
    const pending = [relativePath];
    while (pending.length > 0 && !this.#isClosed) {
      const directory = pending.pop() as string;
      let inode: number;
      try {
        inode = (await fs.promises.lstat(this.#absolute(directory))).ino;
      } catch {
        // Gone meanwhile: the parent's event tells of it.
        continue;
      }
      const known = this.#directories.get(directory);
      if (known === inode) continue;
      if (known !== undefined) this.removeDirectory(directory);
      if (!this.#isTreeWatch && !this.#watch(directory, false)) continue;
      this.#directories.set(directory, inode);
      if (!this.#options.isRecursive) continue;
      try {
        // Read as a stream: a flat folder of 100,000 files is never one array of entries.
        for await (const entry of await fs.promises.opendir(this.#absolute(directory))) {
          if (!entry.isDirectory()) continue;
          const child = directory ? `${directory}/${entry.name}` : entry.name;
          if (!this.#options.isIgnoredDirectory(child)) pending.push(child);
        }
      } catch {
        // Gone or unreadable meanwhile: the scan reports it, the parent's event tells of it.
      }
    }
  }

  /** Forgets a folder that went away, and every folder below it, and closes their watches. */
  removeDirectory(relativePath: string): void {
    const isInside = (directory: string) =>
      relativePath === '' || directory === relativePath || directory.startsWith(`${relativePath}/`);
    for (const directory of this.#directories.keys()) {
      if (isInside(directory)) this.#directories.delete(directory);
    }
    for (const [directory, watcher] of this.#watchers) {
      if (isInside(directory)) {
        watcher.close();
        this.#watchers.delete(directory);
      }
    }
  }

  /** Closes every watch; names not yet handed on are dropped. Idempotent. */
  close(): void {
    this.#isClosed = true;
    this.removeDirectory('');
    this.#changed.clear();
  }

  /** @returns whether the folder is now watched. */
  #watch(directory: string, isRecursive: boolean): boolean {
    const absolute = this.#absolute(directory);
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(absolute, { persistent: false, recursive: isRecursive });
    } catch (error) {
      // Removed before it could be watched (the parent's event says so), or not readable.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.#options.onError(error as Error);
      return false;
    }
    const ownName = path.basename(absolute);
    watcher.on('change', (_eventType, filename) => {
      if (filename === null || filename === '') {
        this.#options.onDirectory(directory);
        return;
      }
      const name = String(filename).split(path.sep).join('/');
      // inotify names a removed or moved folder's own events with its name. Its watch is dead
      // (or follows it elsewhere), and a folder made anew under the name may even get the same
      // inode: forget it, so looking at it again (onDirectory) watches it anew. The root's fate
      // is the availability check's.
      if (name === ownName) {
        if (directory !== '' && !isRecursive) this.removeDirectory(directory);
        this.#options.onDirectory(directory);
      }
      this.#changed.add(directory ? `${directory}/${name}` : name);
      this.#scheduleFlush();
    });
    watcher.on('error', (error) => {
      watcher.close();
      if (this.#watchers.get(directory) === watcher) {
        this.#watchers.delete(directory);
        // Looked at again by onDirectory: still there, it is watched anew.
        this.#directories.delete(directory);
      }
      this.#options.onError(error);
      this.#options.onDirectory(directory);
    });
    this.#watchers.set(directory, watcher);
    return true;
  }

  #scheduleFlush(): void {
    if (this.#isFlushScheduled || this.#isClosed) return;
    this.#isFlushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#isFlushScheduled = false;
    if (this.#isClosed) return;
    const batch: string[] = [];
    for (const relativePath of this.#changed) {
      batch.push(relativePath);
      this.#changed.delete(relativePath);
      if (batch.length === pathsPerTurn) break;
    }
    if (this.#changed.size > 0) this.#scheduleFlush();
    this.#options.onPaths(batch);
  }

  #absolute(relativePath: string): string {
    return relativePath ? path.join(this.#options.root, relativePath) : this.#options.root;
  }
}
