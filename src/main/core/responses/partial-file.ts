import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { QuickXorHash } from '../../../shared/quick-xor-hash.ts';

/** Write where the offset says, creating the file owner-only; never truncate or append on open. */
const writeFlags = fs.constants.O_WRONLY | fs.constants.O_CREAT;

/** The hidden folder, in the responses folder, where downloads are written until verified. */
export const partialFolderName = '.sitedrop-partial';

/**
 * Where a response's bytes are written until they are verified: `<local>/.sitedrop-partial/<id>.partial`,
 * on the same volume as the final file (so the rename into place is atomic), owner-only.
 */
export async function preparePartialPath(localFolder: string, responseId: number): Promise<string> {
  const folder = path.join(localFolder, partialFolderName);
  await fs.promises.mkdir(folder, { recursive: true, mode: 0o700 });
  await fs.promises.chmod(folder, 0o700);
  return path.join(folder, `${responseId}.partial`);
}

/**
 * The offset a download resumes from: the stored (synced) offset, or less when the partial file
 * is shorter. Bytes past the stored offset were never synced and are cut off.
 */
export async function resumeOffset(partialPath: string, storedOffset: number): Promise<number> {
  let sizeBytes: number;
  try {
    sizeBytes = (await fs.promises.stat(partialPath)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const offset = Math.min(sizeBytes, storedOffset);
  if (sizeBytes !== offset) await fs.promises.truncate(partialPath, offset);
  return offset;
}

/**
 * Removes the partial files of responses that are ready or skipped. A response is recorded as
 * ready before its partial's name is removed, so a crash between the two leaves that name (a
 * second link to the final file) behind; the next check takes it away. Files of responses this
 * inbox does not know are left alone.
 *
 * @returns how many were removed.
 */
export async function removeFinishedPartials(
  localFolder: string,
  isFinished: (responseId: number) => boolean,
): Promise<number> {
  const folder = path.join(localFolder, partialFolderName);
  let names: string[];
  try {
    names = await fs.promises.readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    const match = /^(\d+)\.partial$/.exec(name);
    if (!match || !isFinished(Number(match[1]))) continue;
    await fs.promises.rm(path.join(folder, name), { force: true });
    removed += 1;
  }
  return removed;
}

/** Empties a partial file (a download that starts again from its first byte). */
export async function restartPartial(partialPath: string): Promise<void> {
  const handle = await fs.promises.open(partialPath, writeFlags, 0o600);
  try {
    await handle.truncate(0);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a body into the partial file from `startOffset`, syncing and reporting the offset every
 * `syncEveryBytes` and at the end, so a crash resumes at the last synced byte.
 *
 * @returns the offset after the last byte written and synced.
 * @throws the body's error (a dropped connection) after the bytes so far are synced and
 *   reported; a write error (ENOSPC) as it comes.
 */
export async function writeBody(options: {
  partialPath: string;
  startOffset: number;
  body: Readable;
  syncEveryBytes: number;
  onSynced: (offsetBytes: number) => void;
}): Promise<number> {
  const handle = await fs.promises.open(options.partialPath, writeFlags, 0o600);
  let offset = options.startOffset;
  let syncedOffset = offset;
  const sync = async () => {
    if (offset === syncedOffset) return;
    await handle.sync();
    syncedOffset = offset;
    options.onSynced(offset);
  };
  try {
    await handle.truncate(offset);
    try {
      for await (const chunk of options.body) {
        const bytes = chunk as Buffer;
        let written = 0;
        while (written < bytes.length) {
          const result = await handle.write(bytes, written, bytes.length - written, offset);
          written += result.bytesWritten;
          offset += result.bytesWritten;
        }
        if (offset - syncedOffset >= options.syncEveryBytes) await sync();
      }
    } catch (error) {
      options.body.destroy();
      await sync().catch(() => undefined);
      throw error;
    }
    await sync();
    return offset;
  } finally {
    await handle.close();
  }
}

/** A file's quickXorHash and size, read in 1 MiB pieces. */
export async function hashFile(
  filePath: string,
): Promise<{ quickXorHash: string; sizeBytes: number }> {
  const hash = new QuickXorHash();
  const handle = await fs.promises.open(filePath, 'r');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return { quickXorHash: hash.digest(), sizeBytes: hash.lengthBytes };
}
