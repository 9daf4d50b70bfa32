import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { QuickXorHash } from '../../../shared/quick-xor-hash.ts';

/** The read buffer: hashing holds this much of a file in memory, whatever its size. */
const readChunkBytes = 1024 * 1024;
/** The smallest read buffer. */
const minimumBufferBytes = 16 * 1024;

/** A file's content hashes, from one read pass. */
export interface FileHashes {
  /** Bytes read (the file's size at the time it was read). */
  sizeBytes: number;
  /** SHA-256, lower-case hex. */
  sha256: string;
  /** Microsoft's quickXorHash, base64 (what SharePoint reports for the file). */
  quickXorHash: string;
  /** The file's first bytes, up to `keepBytesUpTo` (for request files); empty otherwise. */
  headBytes: Uint8Array;
}

/**
 * Reads a file once and computes its SHA-256 and quickXorHash from the same chunks.
 *
 * Memory is bounded by one 1 MiB buffer (plus `keepBytesUpTo`). Opening the file is the
 * "can it be read" check of stability: an error (EBUSY, EACCES, ENOENT…) is thrown as it is,
 * for the caller to classify.
 *
 * @param keepBytesUpTo how many leading bytes to keep and return (request files are parsed
 *   from them, so they are read once).
 * @param expectedSizeBytes the size last seen by stat, to size the read buffer (default 1 MiB).
 */
export async function hashFile(
  filePath: string,
  keepBytesUpTo = 0,
  expectedSizeBytes = readChunkBytes,
): Promise<FileHashes> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const sha256 = createHash('sha256');
    const quickXor = new QuickXorHash();
    // A small file gets a buffer its size (a burst of small files otherwise allocates 1 MiB
    // each, and the garbage collector pays for it); a file that grew meanwhile is still read
    // whole, in more reads.
    const bufferBytes = Math.min(
      readChunkBytes,
      Math.max(minimumBufferBytes, expectedSizeBytes + 1),
    );
    const buffer = Buffer.allocUnsafe(bufferBytes);
    const kept: Uint8Array[] = [];
    let keptBytes = 0;
    let sizeBytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, bufferBytes, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      sha256.update(chunk);
      quickXor.update(chunk);
      sizeBytes += bytesRead;
      if (keptBytes < keepBytesUpTo) {
        const part = chunk.subarray(0, keepBytesUpTo - keptBytes);
        kept.push(Uint8Array.from(part));
        keptBytes += part.length;
      }
    }
    return {
      sizeBytes,
      sha256: sha256.digest('hex'),
      quickXorHash: quickXor.digest(),
      headBytes: Buffer.concat(kept),
    };
  } finally {
    await handle.close();
  }
}
