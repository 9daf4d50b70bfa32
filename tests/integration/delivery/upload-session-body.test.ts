import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadFragmentUnitBytes } from '../../../src/shared/config-schema.ts';
import { getDeliveredDriveItem, hashFile, startBench, writeRandomFile } from './harness.ts';

// The emulator checks action bodies against Graph's published metadata, as Graph's OData layer
// does: a parameter createUploadSession does not declare (it has "item" and "deferCommit") is
// answered 400 before SharePoint sees the request.
describe('opening an upload session that Graph validates', () => {
  it('delivers a large file through an upload session', async () => {
    const bench = await startBench({
      config: {
        delivery: { simpleUploadMaxBytes: 100_000, chunkSizeBytes: uploadFragmentUnitBytes },
      },
    });
    await bench.start();
    writeRandomFile(
      path.join(bench.watchDir, 'scans', 'plan.tif'),
      2 * uploadFragmentUnitBytes + 17,
      3,
    );
    const item = bench.queueExisting('scans/plan.tif');
    const done = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(done.state, done.lastErrorMessage ?? '').toBe('delivered');
    expect(hashFile(bench.remotePath('Incoming/scans/plan.tif'))).toBe(item.quickXorHash);
    expect(
      bench
        .requests({ method: 'POST', pathIncludes: 'createUploadSession' })
        .map((record) => record.status),
    ).toEqual([200]);
  });

  it("keeps the local file's modified time in SharePoint (fileSystemInfo)", async () => {
    const bench = await startBench({
      config: {
        delivery: { simpleUploadMaxBytes: 100_000, chunkSizeBytes: uploadFragmentUnitBytes },
      },
    });
    await bench.start();
    const filePath = path.join(bench.watchDir, 'plan.tif');
    writeRandomFile(filePath, uploadFragmentUnitBytes + 5, 4);
    // A time in the past, on a whole second: SharePoint keeps seconds.
    const modifiedAt = new Date('2026-03-14T09:30:00Z');
    fs.utimesSync(filePath, modifiedAt, modifiedAt);
    const item = bench.queueExisting('plan.tif');
    const done = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(done.state, done.lastErrorMessage ?? '').toBe('delivered');
    const remote = await getDeliveredDriveItem(bench, done);
    const times = remote.fileSystemInfo as {
      lastModifiedDateTime: string;
      createdDateTime: string;
    };
    expect(Date.parse(times.lastModifiedDateTime)).toBe(modifiedAt.getTime());
    const { birthtimeMs } = fs.statSync(filePath);
    if (birthtimeMs > 0) {
      // Where the file system records a creation time, SharePoint keeps it too (to the second).
      expect(Date.parse(times.createdDateTime)).toBe(Math.floor(birthtimeMs / 1000) * 1000);
    }
  });

  it('passes the write step of Test connection', async () => {
    const bench = await startBench();
    await bench.start();
    const report = await bench.delivery.testConnection();
    const write = report.steps.find((step) => step.name === 'write');
    expect(write?.status, write?.detail).toBe('ok');
  });
});
