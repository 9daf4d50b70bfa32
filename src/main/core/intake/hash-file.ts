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
    const hasher = new FileHasher(keepBytesUpTo);
    const buffer = Buffer.allocUnsafe(readBufferBytes(expectedSizeBytes));
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hasher.update(buffer.subarray(0, bytesRead));
    }
    return hasher.digest();
  } finally {
    await handle.close();
  }
}

/**
 * hashFile for a small file on a local disk, synchronously: open, read and close together cost less
 * main-thread time than the three thread-pool round trips, each with its promise, that the
 * asynchronous calls make (docs/performance.md, "Why the code is shaped so", Intake). Network
 * shares and larger files keep the asynchronous path. The buffer is the file's size plus one byte,
 * so a file read whole in one read ends there: a shorter read than asked is the end of a regular
 * file at that moment, and the caller's lstat afterwards catches one that grew since.
 */
export function hashSmallFileSync(
  filePath: string,
  keepBytesUpTo: number,
  expectedSizeBytes: number,
): FileHashes {
  const descriptor = fs.openSync(filePath, 'r');
  try {
    const hasher = new FileHasher(keepBytesUpTo);
    const buffer = Buffer.allocUnsafe(readBufferBytes(expectedSizeBytes));
    for (;;) {
      const bytesRead = fs.readSync(descriptor, buffer, 0, buffer.length, null);
      if (bytesRead > 0) hasher.update(buffer.subarray(0, bytesRead));
      if (bytesRead < buffer.length) break;
    }
    return hasher.digest();
  } finally {
    fs.closeSync(descriptor);
  }
}

/**
 * Hashes a few kilobytes of zeros, reading no file: the first file hashed after start then finds
 * the hashing code compiled (see FolderIntake's warm-up).
 */
export function warmUpHashing(): void {
  const hasher = new FileHasher(16);
  hasher.update(Buffer.alloc(4096));
  hasher.digest();
}

/**
 * A small file gets a buffer its size (a burst of small files otherwise allocates 1 MiB each,
 * and the garbage collector pays for it); a file that grew meanwhile is still read whole, in
 * more reads.
 */
function readBufferBytes(expectedSizeBytes: number): number {
  return Math.min(readChunkBytes, Math.max(minimumBufferBytes, expectedSizeBytes + 1));
}

/** Both hashes and the kept leading bytes, fed the same chunks in order. */
class FileHasher {
  readonly #sha256 = createHash('sha256');
  readonly #quickXor = new QuickXorHash();
  readonly #keepBytesUpTo: number;
  readonly #kept: Uint8Array[] = [];
  #keptBytes = 0;
  #sizeBytes = 0;

  constructor(keepBytesUpTo: number) {
    this.#keepBytesUpTo = keepBytesUpTo;
  }

  update(chunk: Buffer): void {
    this.#sha256.update(chunk);
    this.#quickXor.update(chunk);
    this.#sizeBytes += chunk.length;
    if (this.#keptBytes < this.#keepBytesUpTo) {
      const part = chunk.subarray(0, this.#keepBytesUpTo - this.#keptBytes);
      this.#kept.push(Uint8Array.from(part));
      this.#keptBytes += part.length;
    }
  }

  digest(): FileHashes {
    return {
      sizeBytes: this.#sizeBytes,
      sha256: this.#sha256.digest('hex'),
      quickXorHash: this.#quickXor.digest(),
      headBytes: Buffer.concat(this.#kept),
    };
  }
}
