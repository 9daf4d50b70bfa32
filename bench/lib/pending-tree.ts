import fs from 'node:fs';
import path from 'node:path';
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
  options: { fileCount: number; state: 'queued' | 'delivered'; folderId?: string },
): PendingTree {
  const folderId = options.folderId ?? 'bench';
  const folder = path.join(root, 'folder');
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const files: { relativePath: string; sizeBytes: number; mtimeMs: number }[] = [];
  let directoryCount = 0;
  for (let index = 0; index < options.fileCount; index += 1) {
    const directory = `batch-${String(Math.floor(index / 1000)).padStart(3, '0')}`;
    if (index % 1000 === 0) {
      fs.mkdirSync(path.join(folder, directory), { recursive: true });
      directoryCount += 1;
    }
    const relativePath = `${directory}/request-${String(index).padStart(6, '0')}.json`;
    const filePath = path.join(folder, relativePath);
    fs.writeFileSync(filePath, `{"n":${index}}\n`);
    const stats = fs.statSync(filePath);
    files.push({ relativePath, sizeBytes: stats.size, mtimeMs: Math.floor(stats.mtimeMs) });
  }
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
            sha256: '0'.repeat(64),
            quickXorHash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
            targetPath: `Incoming/${file.relativePath}`,
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
