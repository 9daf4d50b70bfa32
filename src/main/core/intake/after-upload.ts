import fs from 'node:fs';
import path from 'node:path';
import type { FolderConfig } from '../../../shared/config-schema.ts';
import type { Item } from '../store/index.ts';
import { hashFile } from './hash-file.ts';
import { moveToFreeName } from './move-file.ts';

/** What became of the local file of a delivered item. */
export type AfterUploadOutcome =
  | { action: 'kept'; reason: 'configured' | 'missing' | 'changed' }
  | { action: 'deleted' }
  | { action: 'archived'; archivePath: string };

/**
 * Applies a folder's `afterUpload.action` to the local file of a delivered item (architecture
 * rule 5: never before SharePoint confirmed the upload and the hash matched).
 *
 * The file is touched only while it is still the version that was delivered: same size and
 * mtime, and the same SHA-256 when read again. A file changed since then is kept (it is a new
 * version, which intake queues on its own). The archive is `<folder>/<archiveFolder>/YYYY-MM-DD/`
 * (the local date of `nowMs`) with the relative subfolder kept, and collisions get ` (2)`, ` (3)`.
 */
export async function applyAfterUpload(
  folder: FolderConfig,
  item: Item,
  nowMs: number,
): Promise<AfterUploadOutcome> {
  if (folder.afterUpload.action === 'keep') return { action: 'kept', reason: 'configured' };
  const absolutePath = path.join(folder.path, item.relativePath);
  let stats: fs.Stats;
  try {
    stats = await fs.promises.lstat(absolutePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { action: 'kept', reason: 'missing' };
    }
    throw error;
  }
  if (
    !stats.isFile() ||
    stats.size !== item.sizeBytes ||
    Math.floor(stats.mtimeMs) !== item.mtimeMs ||
    (await hashFile(absolutePath)).sha256 !== item.sha256
  ) {
    return { action: 'kept', reason: 'changed' };
  }
  if (folder.afterUpload.action === 'delete') {
    await fs.promises.unlink(absolutePath);
    return { action: 'deleted' };
  }
  const archiveDirectory = path.join(
    folder.path,
    folder.afterUpload.archiveFolder,
    localDate(nowMs),
    path.dirname(item.relativePath),
  );
  const archivePath = await moveToFreeName(
    absolutePath,
    archiveDirectory,
    path.basename(item.relativePath),
  );
  return { action: 'archived', archivePath };
}

/** YYYY-MM-DD in the machine's time zone (the day the people on site see). */
function localDate(epochMs: number): string {
  const date = new Date(epochMs);
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}
