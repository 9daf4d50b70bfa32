import fs from 'node:fs';
import path from 'node:path';
import type { ResponseRecord } from '../store/index.ts';
import { conflictName } from './local-names.ts';

/** What placeResponse needs. */
export interface Placement {
  /** The verified partial file. */
  partialPath: string;
  folder: string;
  /** The checked remote name. */
  name: string;
  /** The local file's modification time (the remote file's), epoch ms. */
  modifiedAt: number | null;
  /** The version of the same remote file brought before, if any. */
  previous: ResponseRecord | undefined;
}

/**
 * Puts a verified partial file into the responses folder and returns its path.
 *
 * The partial is synced, gets the remote file's modification time and the user's normal
 * permissions, then a hard link gives it its final name: `link` fails on an existing name, so no
 * file is overwritten and no partial is ever visible under a final name. A file of that name
 * stays untouched unless it is the previous version of this response exactly as SiteDrop left it
 * (same size and modification time): then the new version replaces it with one atomic rename.
 * Otherwise the copy is `name (from SharePoint 2).pdf`, 3, … The caller removes the partial's
 * name after recording the response as ready, so a crash in between finds the link already made.
 */
export async function placeResponse(placement: Placement): Promise<string> {
  const { partialPath, folder, name } = placement;
  const handle = await fs.promises.open(partialPath, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (placement.modifiedAt !== null) {
    const modified = new Date(placement.modifiedAt);
    await fs.promises.utimes(partialPath, modified, modified);
  }
  await fs.promises.chmod(partialPath, 0o666 & ~process.umask());
  const partial = await fs.promises.stat(partialPath);
  for (let copyNumber = 1; ; copyNumber += 1) {
    const candidate = path.join(folder, copyNumber === 1 ? name : conflictName(name, copyNumber));
    const existing = await statOrUndefined(candidate);
    if (existing && existing.ino === partial.ino && existing.dev === partial.dev) {
      return candidate;
    }
    if (existing && copyNumber === 1 && isUntouchedPrevious(existing, candidate, placement)) {
      await fs.promises.rename(partialPath, candidate);
      await fs.promises.link(candidate, partialPath);
      await syncFolder(folder);
      return candidate;
    }
    if (existing) continue;
    try {
      await fs.promises.link(partialPath, candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    await syncFolder(folder);
    return candidate;
  }
}

/** Whether a local file is the previous version of this response as SiteDrop left it. */
function isUntouchedPrevious(existing: fs.Stats, candidate: string, placement: Placement): boolean {
  const { previous } = placement;
  return (
    previous !== undefined &&
    previous.localPath === candidate &&
    existing.size === previous.sizeBytes &&
    previous.remoteModifiedAt !== null &&
    Math.abs(existing.mtimeMs - previous.remoteModifiedAt) < 1
  );
}

async function statOrUndefined(filePath: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.stat(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Syncs a folder so the new name survives a power cut (a no-op where folders cannot be opened). */
async function syncFolder(folder: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(folder, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open a folder for syncing; NTFS journals the rename itself.
  } finally {
    await handle?.close();
  }
}
