import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadFragmentUnitBytes } from '../../../src/shared/config-schema.ts';
import { hashFile, startBench, writeRandomFile } from './harness.ts';

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

  it('passes the write step of Test connection', async () => {
    const bench = await startBench();
    await bench.start();
    const report = await bench.delivery.testConnection();
    const write = report.steps.find((step) => step.name === 'write');
    expect(write?.status, write?.detail).toBe('ok');
  });
});
