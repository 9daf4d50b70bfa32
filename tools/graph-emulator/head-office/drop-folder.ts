// Head office's drop folder: a folder on disk that stands for a SharePoint folder head office
// fills. A file a person copies or moves in becomes a driveItem under the configured drive path
// (default `Responses/`) once it is finished (its size has held still for `settleMs`, or it was
// renamed in whole); a changed file replaces it (same id, new eTag and cTag); a removed file is
// deleted there. So a demo or a test can act as head office with a file manager, and the change
// shows up in delta. At start the folder is compared with what it put into the library before
// (`.graph-emulator-state/head-office.json`): files added or changed meanwhile are brought in,
// files removed meanwhile are deleted.

import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import type { RemoteFiles } from './remote-files.ts';

/** Where the drop folder is and what it stands for. */
export interface HeadOfficeOptions {
  /** The folder on disk a person drops files into (made if missing). */
  directory: string;
  /** The folder of the library the files appear in. Default 'Responses'. */
  drivePath?: string;
  /** The library's name. Default: the first library of the first site. */
  library?: string;
  /** How long a file's size must hold still before it counts as finished. Default 1000 ms. */
  settleMs?: number;
}

/** A running drop folder. */
export interface HeadOfficeFolder {
  readonly directory: string;
  readonly drivePath: string;
  readonly library: string | undefined;
  /** Resolves once every change seen so far is in the library. */
  whenIdle(): Promise<void>;
  /** The last change that could not be brought in (a name SharePoint refuses, …). */
  readonly lastError: Error | undefined;
}

/** Names a person's tools leave while they work, never brought in. */
function isIgnoredName(name: string): boolean {
  return (
    name.startsWith('.') || name.startsWith('~$') || /\.(?:partial|tmp|crdownload)$/i.test(name)
  );
}

/** Watches a drop folder and mirrors it into a library folder. */
export class DropFolder implements HeadOfficeFolder {
  readonly directory: string;
  readonly drivePath: string;
  readonly library: string | undefined;
  readonly #remote: RemoteFiles;
  readonly #manifestFile: string;
  readonly #imported = new Set<string>();
  #queue: Promise<void> = Promise.resolve();
  #watcher: FSWatcher | undefined;
  #lastError: Error | undefined;

  private constructor(options: HeadOfficeOptions, remote: RemoteFiles, stateDirectory: string) {
    this.directory = path.resolve(options.directory);
    this.drivePath = (options.drivePath ?? 'Responses').split('/').filter(Boolean).join('/');
    this.library = options.library;
    this.#remote = remote;
    this.#manifestFile = path.join(stateDirectory, 'head-office.json');
  }

  /** Bring in what changed while stopped, then watch. */
  static async start(
    options: HeadOfficeOptions,
    remote: RemoteFiles,
    stateDirectory: string,
  ): Promise<DropFolder> {
    const folder = new DropFolder(options, remote, stateDirectory);
    await mkdir(folder.directory, { recursive: true });
    await folder.#catchUp();
    const settleMs = options.settleMs ?? 1000;
    const watcher = watch(folder.directory, {
      ignoreInitial: true,
      ignored: (file) => file !== folder.directory && isIgnoredName(path.basename(file)),
      awaitWriteFinish: {
        stabilityThreshold: settleMs,
        pollInterval: Math.max(10, Math.min(100, Math.floor(settleMs / 4))),
      },
    });
    watcher.on('add', (file) => folder.#enqueue(() => folder.#bringIn(file)));
    watcher.on('change', (file) => folder.#enqueue(() => folder.#bringIn(file)));
    watcher.on('unlink', (file) => folder.#enqueue(() => folder.#remove(file)));
    watcher.on('error', (error) => {
      folder.#lastError = error instanceof Error ? error : new Error(String(error));
    });
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    folder.#watcher = watcher;
    return folder;
  }

  get lastError(): Error | undefined {
    return this.#lastError;
  }

  whenIdle(): Promise<void> {
    return this.#queue;
  }

  /** Stop watching and finish what was started. Idempotent. */
  async close(): Promise<void> {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    await watcher?.close();
    await this.#queue;
  }

  async #catchUp(): Promise<void> {
    try {
      const saved = JSON.parse(await readFile(this.#manifestFile, 'utf8')) as { files?: string[] };
      for (const file of saved.files ?? []) this.#imported.add(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const present = new Set<string>();
    for (const file of await listFiles(this.directory)) {
      present.add(path.relative(this.directory, file).split(path.sep).join('/'));
      await this.#bringIn(file);
    }
    for (const relative of [...this.#imported]) {
      if (!present.has(relative)) await this.#remove(path.join(this.directory, relative));
    }
  }

  #enqueue(operation: () => Promise<void>): void {
    this.#queue = this.#queue.then(operation).catch((error: unknown) => {
      this.#lastError = error instanceof Error ? error : new Error(String(error));
    });
  }

  /** The file's path in the library. */
  #remotePath(relative: string): string {
    return this.drivePath === '' ? relative : `${this.drivePath}/${relative}`;
  }

  async #bringIn(file: string): Promise<void> {
    // The watcher's event is a hint: the file must still be there, and be a file.
    const stats = await stat(file).catch(() => undefined);
    if (!stats?.isFile()) return;
    const relative = path.relative(this.directory, file).split(path.sep).join('/');
    await this.#remote.putFile(
      { path: this.#remotePath(relative), ...(this.library ? { library: this.library } : {}) },
      { sourceFile: file },
      { modifiedAt: stats.mtimeMs },
    );
    if (!this.#imported.has(relative)) {
      this.#imported.add(relative);
      await this.#saveManifest();
    }
  }

  async #remove(file: string): Promise<void> {
    const relative = path.relative(this.directory, file).split(path.sep).join('/');
    const isPresent = await stat(file).then(
      () => true,
      () => false,
    );
    if (isPresent) return;
    await this.#remote.deleteItem({
      path: this.#remotePath(relative),
      ...(this.library ? { library: this.library } : {}),
    });
    this.#imported.delete(relative);
    await this.#saveManifest();
  }

  async #saveManifest(): Promise<void> {
    await mkdir(path.dirname(this.#manifestFile), { recursive: true });
    await writeFile(this.#manifestFile, JSON.stringify({ files: [...this.#imported].sort() }));
  }
}

/** Every file below `directory` (names a person's tools leave aside). */
async function listFiles(directory: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (isIgnoredName(entry.name)) continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}
