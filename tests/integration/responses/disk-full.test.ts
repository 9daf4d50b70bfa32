import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { bringResponse } from '../../../src/main/core/responses/download-response.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { startResponsesBench } from './harness.ts';

const isRoot = process.getuid?.() === 0;
const canMount = isRoot && spawnSync('mount', ['--version']).status === 0;

/** Mounts a tmpfs of `size` on a new folder, unmounted when the test ends, or says why not. */
function mountSmallDisk(parent: string, size: string): { folder: string } | { refusal: string } {
  const folder = path.join(parent, 'small-disk');
  fs.mkdirSync(folder);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', folder], {
    encoding: 'utf8',
  });
  if (mounted.status !== 0) return { refusal: mounted.stderr.trim() };
  onTestFinished(() => void spawnSync('umount', ['-l', folder]));
  return { folder };
}

/** Writes zeros into `file` until the disk refuses (ENOSPC). */
function fillDisk(file: string): void {
  const block = Buffer.alloc(64 * 1024);
  const descriptor = fs.openSync(file, 'w');
  try {
    for (;;) fs.writeSync(descriptor, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(descriptor);
  }
}

describe('a response meets a disk that really fills up', () => {
  // Mounting a tmpfs needs root (CAP_SYS_ADMIN); elsewhere the free-space reserve's test in
  // download-edges.test.ts covers the sentence and the retry without a real ENOSPC.
  it.skipIf(!canMount)(
    'fails with a sentence about the full disk when a write gets ENOSPC, keeps everything, and completes once space is freed (tmpfs; needs root to mount)',
    async (context) => {
      const bench = await startResponsesBench();
      const mounted = mountSmallDisk(bench.dir, '2m');
      if ('refusal' in mounted) {
        context.skip(`cannot mount a small tmpfs here (${mounted.refusal})`);
        return;
      }
      const disk = mounted.folder;
      const mapping = { ...bench.mapping, localFolder: path.join(disk, 'Responses') };
      const content = randomBytes(1536 * 1024);
      const file = await bench.putRemote('site plan.pdf', content);
      const response = bench.detect(file);
      // The free-space check passes (2 MiB free); the disk is filled while the download URL
      // holds its answer back, so the writes themselves meet ENOSPC.
      bench.emulator.faults.add({ path: '/_download/', delayMs: 1_500, times: 1 });
      const filler = path.join(disk, 'someone else.bin');
      const bringing = bringResponse(response, mapping, bench.parts);
      await waitFor(() => bench.requests({ pathIncludes: '/_download/' }).length > 0, {
        description: 'the download request',
      });
      fillDisk(filler);
      // Half a megabyte free again: the download writes some bytes before the disk is full.
      fs.truncateSync(filler, fs.statSync(filler).size - 512 * 1024);
      const failed = await bringing;

      expect(failed).toMatchObject({ state: 'failed', errorCode: 'response.disk-full' });
      expect(failed.errorMessage).toBe(
        `The disk of ${mapping.localFolder} is full, so "site plan.pdf" could not be saved; the bytes so far are kept. Free some space, then press Retry.`,
      );
      expect(fs.readdirSync(mapping.localFolder).filter((name) => !name.startsWith('.'))).toEqual(
        [],
      );
      const partial = path.join(mapping.localFolder, '.sitedrop-partial', `${response.id}.partial`);
      expect(fs.statSync(partial).size).toBeGreaterThan(0);
      const kept = bench.store.responses.get(response.id)!;
      expect(kept.downloadOffset).toBeGreaterThan(0);
      expect(kept).toMatchObject({
        remoteItemId: file.id,
        cTag: file.cTag,
        sizeBytes: content.length,
        quickXorHash: file.quickXorHash,
      });

      fs.rmSync(filler);
      const ready = await bringResponse(
        bench.store.responses.retry(response.id),
        mapping,
        bench.parts,
      );
      expect(ready.state).toBe('ready');
      // The retry continues from the bytes kept instead of fetching them again.
      expect(bench.requests({ pathIncludes: '/_download/' }).at(-1)?.range).toBe(
        `bytes=${kept.downloadOffset}-`,
      );
      expect(fs.readFileSync(ready.localPath!).equals(content)).toBe(true);
      expect(fs.readdirSync(mapping.localFolder).filter((name) => !name.startsWith('.'))).toEqual([
        'site plan.pdf',
      ]);
      expect(fs.existsSync(partial)).toBe(false);
    },
    60_000,
  );
});
