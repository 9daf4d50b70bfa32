// The files and folders found under a library's directory at start, parents before their
// children, each with what the disk says of it (times, size, quickXorHash of its bytes).

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { hashFile, joinRelative } from './drive-records.ts';

/** One entry under a library's directory. */
export interface FoundEntry {
  /** The parent folder's path on disk below the library ('' for the library's root). */
  readonly parentDiskPath: string;
  readonly diskName: string;
  readonly isFolder: boolean;
  readonly birthtimeMs: number;
  readonly mtimeMs: number;
  /** Files only (0 and '' for folders). */
  readonly size: number;
  readonly quickXorHash: string;
}

/** Walk `directory` depth first, names in order; anything but files and folders is skipped. */
export async function* walkLibrary(
  directory: string,
  parentDiskPath = '',
): AsyncGenerator<FoundEntry> {
  const entries = await readdir(directory, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() && !entry.isFile()) continue;
    const entryPath = path.join(directory, entry.name);
    const stats = await stat(entryPath);
    const isFolder = entry.isDirectory();
    yield {
      parentDiskPath,
      diskName: entry.name,
      isFolder,
      birthtimeMs: stats.birthtimeMs,
      mtimeMs: stats.mtimeMs,
      size: isFolder ? 0 : stats.size,
      quickXorHash: isFolder ? '' : await hashFile(entryPath),
    };
    if (isFolder) yield* walkLibrary(entryPath, joinRelative(parentDiskPath, entry.name));
  }
}
