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
import { systemClock, type Clock } from '../../../../../src/main/core/lifecycle/index.ts';
import type { Logger } from '../../../../../src/main/core/logging/index.ts';
import type { Store } from '../../../../../src/main/core/store/index.ts';
import { openTestStore } from '../../../../helpers/store.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';
import { sleep, waitFor } from '../../../../helpers/wait-for.ts';

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
    const intake = createIntake({ folderPath, stabilityWindowMs: 50, store, limitReads });
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

  it('logs the files of a burst in one line that counts them, and a file on its own in its own line', async () => {
    const folderPath = makeTempDir();
    const { store } = openTestStore(makeTempDir());
    const lines: { level: number; msg: string; [field: string]: unknown }[] = [];
    const intake = createIntake({
      folderPath,
      stabilityWindowMs: 200,
      store,
      logger: pino(
        { level: 'info' },
        { write: (line: string) => void lines.push(JSON.parse(line)) },
      ),
    });
    await intake.start();
    const names = Array.from({ length: 40 }, (_, index) => `scan-${index}.pdf`);
    // They come due in the same turn.
    moveInAtOnce(folderPath, names);
    await waitFor(() => store.countsByState().queued === names.length || undefined, {
      description: 'all 40 queued',
    });
    const queuedLines = () => lines.filter((line) => line.msg.endsWith('queued'));
    const filesLogged = () =>
      queuedLines().reduce((sum, line) => sum + ((line.files as number | undefined) ?? 1), 0);
    await waitFor(() => filesLogged() === names.length || undefined, {
      description: 'the 40 files logged',
    });
    const burstLines = queuedLines();
    expect(burstLines.length).toBeLessThan(names.length);
    expect(burstLines.find((line) => line.files !== undefined)).toMatchObject({
      msg: expect.stringMatching(/^\d+ files recorded: \d+ queued$/),
      folderId: 'in',
      firstPath: expect.stringMatching(/^scan-\d+\.pdf$/),
      lastPath: expect.stringMatching(/^scan-\d+\.pdf$/),
    });

    lines.length = 0;
    fs.writeFileSync(path.join(folderPath, 'alone.pdf'), 'one page');
    const alone = await waitFor(
      () => store.listItems({ limit: 100 }).find((item) => item.relativePath === 'alone.pdf'),
      { description: 'alone.pdf queued' },
    );
    await waitFor(() => lines.find((line) => line.msg === 'File queued'), {
      description: 'its line',
    });
    expect(lines.filter((line) => line.msg.includes('queued'))).toEqual([
      expect.objectContaining({
        msg: 'File queued',
        itemId: alone.id,
        path: 'alone.pdf',
        sizeBytes: 8,
        folderId: 'in',
      }),
    ]);
  });

  it('commits the files that come due in one turn before it takes the next turn, 512 at most', async () => {
    const folderPath = makeTempDir();
    const { store, clock, bus } = openTestStore(makeTempDir());
    // Events of one publish arrive synchronously, so a microtask ends each commit's batch.
    const commitSizes: number[] = [];
    let isBatchClosed = true;
    bus.onDidAny((event) => {
      if (event.type !== 'item.queued') return;
      if (commitSizes.length === 0 || isBatchClosed) {
        commitSizes.push(0);
        isBatchClosed = false;
        queueMicrotask(() => (isBatchClosed = true));
      }
      commitSizes[commitSizes.length - 1]! += 1;
    });
    const intake = createIntake({ folderPath, stabilityWindowMs: 2_000, store, clock });
    await intake.start();
    const names = Array.from({ length: 1_100 }, (_, index) => `scan-${index}.pdf`);
    moveInAtOnce(folderPath, names);
    // The test clock stands still while the events are handled: every file waits from the same
    // moment, is read at the same half-window moment and comes due at the same moment. The real
    // waits let the events, then the half-window reads, finish (~50 and ~100 ms here).
    await sleep(1_000);
    clock.advance(1_000);
    await sleep(1_000);
    clock.advance(1_000);
    await waitFor(() => store.countsByState().queued === names.length || undefined, {
      description: 'all 1,100 queued',
    });
    expect(commitSizes).toEqual([512, 512, 76]);
  });
});

/** A FolderIntake on a real folder with the test's store, closed when the test ends. */
function createIntake(options: {
  folderPath: string;
  stabilityWindowMs: number;
  store: Store;
  clock?: Clock;
  logger?: Logger;
  limitReads?: ReadLimiter;
}): FolderIntake {
  const { folderPath, stabilityWindowMs } = options;
  const intake = new FolderIntake({
    folder: FolderConfigSchema.parse({ id: 'in', path: folderPath, stabilityWindowMs }),
    libraryName: 'Documents',
    store: options.store,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? pino({ level: 'silent' }),
    folderCheckIntervalMs: 60_000,
    reconcileIntervalMs: 60_000,
    limitReads: options.limitReads ?? ((task) => task()),
    onDeliveredFileFound: () => undefined,
  });
  onTestFinished(() => intake.close());
  return intake;
}

/**
 * Drops files as a selection dragged into the folder: written beside it first, then moved in
 * one after another.
 */
function moveInAtOnce(folderPath: string, names: readonly string[]): void {
  const stagingPath = makeTempDir();
  for (const name of names) fs.writeFileSync(path.join(stagingPath, name), `pages of ${name}`);
  for (const name of names)
    fs.renameSync(path.join(stagingPath, name), path.join(folderPath, name));
}
