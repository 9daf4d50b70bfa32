import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { QuickXorHash } from '../../src/shared/quick-xor-hash.ts';
import { EventBus } from '../../src/main/core/events/index.ts';
import { systemClock } from '../../src/main/core/lifecycle/index.ts';
import { Store } from '../../src/main/core/store/index.ts';

/** A watched folder with files and a data directory whose store already knows every file. */
export interface PendingTree {
  folder: string;
  dataDir: string;
  fileCount: number;
  directoryCount: number;
}

/**
 * Creates `fileCount` small files in subfolders of 1,000 and a store in which each is an item in
 * `state` (queued: pending delivery; delivered: kept after upload), with the files' real sizes
 * and mtimes so the agent's startup scan finds every one known. Built with the real Store, in
 * one transaction (setup time is not measured).
 */
export function createPendingTree(
  root: string,
  options: {
    fileCount: number;
    state: 'queued' | 'delivered';
    folderId?: string;
    /** Each file's size: distinct pseudo-random content with real hashes (default: tiny JSON). */
    fileBytes?: number;
  },
): PendingTree {
  const folderId = options.folderId ?? 'bench';
  const folder = path.join(root, 'folder');
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const files = writeBenchFiles(folder, {
    fileCount: options.fileCount,
    fileBytes: options.fileBytes,
  });
  const directoryCount = Math.ceil(options.fileCount / 1000);
  const bus = new EventBus((error) => {
    throw error;
  });
  const store = Store.open({ dataDir, clock: systemClock, bus });
  try {
    store.transaction(() => {
      for (const file of files) {
        const item = store.insertItem(
          {
            folderId,
            relativePath: file.relativePath,
            sizeBytes: file.sizeBytes,
            mtimeMs: file.mtimeMs,
            sha256: file.sha256,
            quickXorHash: file.quickXorHash,
            targetPath: `Incoming/${file.relativePath}`,
            library: 'Documents',
          },
          'queued',
          { folderId, path: file.relativePath, sizeBytes: file.sizeBytes, reason: 'new' },
        );
        if (options.state === 'delivered') {
          store.transitionItem(item.id, 'uploading', { attempt: 1 });
          store.transitionItem(item.id, 'verifying', {});
          store.transitionItem(
            item.id,
            'delivered',
            { remoteUrl: 'https://contoso.sharepoint.com/x', isModifiedByServer: false },
            { remoteUrl: 'https://contoso.sharepoint.com/x' },
          );
        }
      }
    });
  } finally {
    store.close();
  }
  return { folder, dataDir, fileCount: options.fileCount, directoryCount };
}

/** A file written for a bench, with what intake would have recorded for it. */
export interface BenchFile {
  relativePath: string;
  sizeBytes: number;
  mtimeMs: number;
  sha256: string;
  quickXorHash: string;
}

/**
 * Writes `fileCount` files under `folder` (optionally below `prefix`), in subfolders of 1,000,
 * and returns each with its size, mtime and real hashes.
 */
export function writeBenchFiles(
  folder: string,
  options: { fileCount: number; fileBytes?: number; prefix?: string },
): BenchFile[] {
  const files: BenchFile[] = [];
  for (let index = 0; index < options.fileCount; index += 1) {
    const directory = `${options.prefix ? `${options.prefix}/` : ''}batch-${String(Math.floor(index / 1000)).padStart(3, '0')}`;
    if (index % 1000 === 0) fs.mkdirSync(path.join(folder, directory), { recursive: true });
    const relativePath = `${directory}/request-${String(index).padStart(6, '0')}.json`;
    const filePath = path.join(folder, relativePath);
    const content =
      options.fileBytes === undefined
        ? Buffer.from(`{"n":${index}}\n`)
        : pseudoRandomBytes(options.fileBytes, index + 1);
    fs.writeFileSync(filePath, content);
    const stats = fs.statSync(filePath);
    files.push({
      relativePath,
      sizeBytes: stats.size,
      mtimeMs: Math.floor(stats.mtimeMs),
      sha256: createHash('sha256').update(content).digest('hex'),
      quickXorHash: new QuickXorHash().update(content).digest(),
    });
  }
  return files;
}

/** Deterministic incompressible bytes (xorshift32), distinct per seed. */
export function pseudoRandomBytes(sizeBytes: number, seed: number): Buffer {
  const buffer = Buffer.allocUnsafe(Math.ceil(sizeBytes / 4) * 4);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < buffer.length; index += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    buffer.writeUInt32LE(state >>> 0, index);
  }
  return buffer.subarray(0, sizeBytes);
}
