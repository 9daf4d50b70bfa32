import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FolderConfigSchema } from '../../../../../src/shared/config-schema.ts';
import {
  FolderIntake,
  type ReadLimiter,
} from '../../../../../src/main/core/intake/folder-intake.ts';
import { systemClock } from '../../../../../src/main/core/lifecycle/index.ts';
import { openTestStore } from '../../../../helpers/store.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';
import { waitFor } from '../../../../helpers/wait-for.ts';

describe('FolderIntake', () => {
  // Deterministic: the write lands while the file is being read, through intake's own read
  // limiter (the seam every hash of a file over 64 KiB passes through; smaller ones on a local
  // disk are read synchronously, where nothing can land mid-read in this process), not by racing
  // a timer against a disk.
  it('does not record a file written to while it is hashed, and records its final version once', async () => {
    const folderPath = makeTempDir();
    const { store } = openTestStore(makeTempDir());
    const file = path.join(folderPath, 'growing-scan.pdf');
    let reads = 0;
    const limitReads: ReadLimiter = async (task) => {
      reads += 1;
      const hashing = task();
      // The first read: another program appends while intake hashes the file.
      if (reads === 1) await fs.promises.appendFile(file, ', and more pages');
      return hashing;
    };
    const intake = new FolderIntake({
      folder: FolderConfigSchema.parse({ id: 'in', path: folderPath, stabilityWindowMs: 50 }),
      libraryName: 'Documents',
      store,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      folderCheckIntervalMs: 60_000,
      reconcileIntervalMs: 60_000,
      limitReads,
      onDeliveredFileFound: () => undefined,
    });
    onTestFinished(() => intake.close());
    const firstPages = `first pages${' '.repeat(70 * 1024)}`;
    fs.writeFileSync(file, firstPages);
    await intake.start();

    const item = await waitFor(() => store.listItems({ limit: 10 })[0], {
      description: 'the item',
    });
    const final = `${firstPages}, and more pages`;
    expect(reads).toBe(2); // hashed again once it held still
    expect(item).toMatchObject({
      sizeBytes: final.length,
      sha256: createHash('sha256').update(final).digest('hex'),
    });
    const queued = store.readEventsSince(0, 100).filter((event) => event.type === 'item.queued');
    expect(queued.map((event) => event.data)).toEqual([
      {
        itemId: item.id,
        folderId: 'in',
        path: 'growing-scan.pdf',
        sizeBytes: final.length,
        reason: 'caught-up',
      },
    ]);
  });
});
