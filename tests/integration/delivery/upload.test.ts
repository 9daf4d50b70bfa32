import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadFragmentUnitBytes } from '../../../src/shared/config-schema.ts';
import { emulatorGraphGet, hashFile, startBench, writeRandomFile } from './harness.ts';

describe('delivery to the emulator (real msal-node, Graph client, HTTPS)', () => {
  it('delivers a small file byte-identical, in the configured folder, with a link', async () => {
    const bench = await startBench();
    await bench.start();
    const item = bench.dropFile('site-a/report.pdf', 'hello sharepoint');
    const delivered = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(delivered.state).toBe('delivered');
    const remote = bench.remotePath('Incoming/site-a/report.pdf');
    expect(fs.readFileSync(remote, 'utf8')).toBe('hello sharepoint');
    expect(hashFile(remote)).toBe(item.quickXorHash);
    expect(delivered.remoteUrl).toBe(
      'https://contoso.sharepoint.com/sites/SiteOffice/Documents/Incoming/site-a/report.pdf',
    );
    expect(delivered.remoteId).toBeTruthy();
    expect(bench.store.listAttempts(item.id).map((attempt) => attempt.outcome)).toEqual([
      'delivered',
    ]);
  });

  it('talks only to the emulator: no discovery call, a decorated User-Agent on every request', async () => {
    const bench = await startBench();
    await bench.start();
    const item = bench.dropFile('a.txt', 'a');
    await bench.waitForState(item.id, ['delivered']);
    const paths = bench.requests().map((record) => record.path);
    expect(paths.some((requestPath) => requestPath.includes('openid-configuration'))).toBe(false);
    expect(paths.some((requestPath) => requestPath.includes('discovery/instance'))).toBe(false);
    for (const record of bench.requests()) {
      expect(record.userAgent).toMatch(/^ISV\|SiteDrop\|SiteDrop\/\d+\.\d+\.\d+/);
    }
  });

  it('delivers a zero-byte file and files on the 320 KiB boundaries', async () => {
    const bench = await startBench({
      config: {
        delivery: {
          simpleUploadMaxBytes: 100_000,
          chunkSizeBytes: uploadFragmentUnitBytes,
        },
      },
    });
    await bench.start();
    const sizes = {
      'empty.bin': 0,
      'one-fragment.bin': uploadFragmentUnitBytes,
      'fragment-plus-one.bin': uploadFragmentUnitBytes + 1,
      'two-fragments.bin': 2 * uploadFragmentUnitBytes,
    };
    const items = Object.entries(sizes).map(([name, size], index) => {
      writeRandomFile(path.join(bench.watchDir, name), size, index + 7);
      return bench.queueExisting(name);
    });
    for (const item of items) {
      const done = await bench.waitForState(item.id, ['delivered', 'failed']);
      expect(done.state, `${item.relativePath}: ${done.lastErrorMessage}`).toBe('delivered');
      const remote = bench.remotePath(`Incoming/${item.relativePath}`);
      expect(fs.statSync(remote).size).toBe(item.sizeBytes);
      expect(hashFile(remote)).toBe(item.quickXorHash);
    }
    // The zero-byte file went by one PUT (an upload session refuses it); the others by sessions.
    expect(bench.requests({ method: 'PUT', pathIncludes: 'empty.bin' })).toHaveLength(1);
    expect(bench.requests({ method: 'POST', pathIncludes: 'createUploadSession' })).toHaveLength(3);
    expect(bench.requests({ method: 'PUT', pathIncludes: '/_upload/' })).toHaveLength(1 + 2 + 2);
  });

  it('sends a 100 MiB file in chunks; it arrives byte-identical with matching quickXorHash', async () => {
    const bench = await startBench({
      config: { delivery: { chunkSizeBytes: 32 * uploadFragmentUnitBytes } },
    });
    await bench.start();
    const size = 100 * 1024 * 1024 + 12_345;
    writeRandomFile(path.join(bench.watchDir, 'scans', 'big.tif'), size, 42);
    const item = bench.queueExisting('scans/big.tif');
    const done = await bench.waitForState(item.id, ['delivered', 'failed'], 120_000);
    expect(done.state, done.lastErrorMessage ?? '').toBe('delivered');
    const remote = bench.remotePath('Incoming/scans/big.tif');
    expect(fs.statSync(remote).size).toBe(size);
    expect(hashFile(remote)).toBe(item.quickXorHash);
    const chunkCount = Math.ceil(size / (32 * uploadFragmentUnitBytes));
    expect(bench.requests({ method: 'PUT', pathIncludes: '/_upload/' })).toHaveLength(chunkCount);
    const sent = bench.progress
      .filter((entry) => entry.itemId === item.id)
      .map((entry) => entry.sentBytes);
    expect(sent.at(-1)).toBe(size);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
  }, 180_000);

  it('creates missing folders, also when several uploads need the same new folder at once', async () => {
    const bench = await startBench({ config: { delivery: { concurrency: 4 } } });
    await bench.start();
    const items = ['1', '2', '3', '4', '5', '6'].map((name) =>
      bench.dropFile(`2026/week 47/${name}.txt`, `file ${name}`),
    );
    for (const item of items)
      expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    expect(fs.readdirSync(bench.remotePath('Incoming/2026/week 47')).sort()).toEqual([
      '1.txt',
      '2.txt',
      '3.txt',
      '4.txt',
      '5.txt',
      '6.txt',
    ]);
  });

  it('percent-encodes every path segment on its own', async () => {
    const bench = await startBench();
    await bench.start();
    const item = bench.dropFile('100% #1 & more/ä ö + ü.txt', 'odd names');
    const done = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(done.state, done.lastErrorMessage ?? '').toBe('delivered');
    expect(fs.readFileSync(bench.remotePath('Incoming/100% #1 & more/ä ö + ü.txt'), 'utf8')).toBe(
      'odd names',
    );
  });

  it('sets library columns from request metadata and path tokens', async () => {
    const bench = await startBench({
      config: (watchDir) => ({
        folders: [
          {
            id: 'requests',
            path: watchDir,
            target: {
              folderPath: 'Incoming',
              columns: {
                RequestId: '{request_id}',
                DeviceId: '{folder}/{segment1}',
                Title: '{fileStem}',
              },
            },
          },
        ],
      }),
    });
    await bench.start();
    const item = bench.dropFile('site-7/scan.pdf', 'pdf bytes', { request_id: 'REQ-2026-0042' });
    const done = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(done.state, done.lastErrorMessage ?? '').toBe('delivered');
    const drive = done.remoteId ?? '';
    const driveId = bench.store.getMeta(
      'delivery.driveId:https://contoso.sharepoint.com/sites/SiteOffice|documents',
    );
    const fields = await emulatorGraphGet(
      bench.emulator,
      `/drives/${encodeURIComponent(driveId ?? '')}/items/${encodeURIComponent(drive)}/listItem/fields`,
    );
    expect(fields).toMatchObject({
      RequestId: 'REQ-2026-0042',
      DeviceId: 'requests/site-7',
      Title: 'scan',
    });
  });

  it('fails an item once, naming the column, when a configured column does not exist', async () => {
    const bench = await startBench({
      config: (watchDir) => ({
        folders: [
          { id: 'requests', path: watchDir, target: { columns: { CostCentre: '{request_id}' } } },
        ],
      }),
    });
    await bench.start();
    const item = bench.dropFile('a.pdf', 'a', { request_id: 'R1' });
    const failed = await bench.waitForState(item.id, ['failed', 'delivered']);
    expect(failed.state).toBe('failed');
    expect(failed.lastErrorCode).toBe('config.unknown-column');
    expect(failed.lastErrorMessage).toContain('"CostCentre"');
    expect(failed.lastErrorMessage).toContain('target.columns');
    expect(failed.attempts).toBe(1);
    expect(bench.requests({ method: 'PUT' })).toHaveLength(0);
  });

  it('records Office documents that SharePoint rewrote as delivered and modified by the server', async () => {
    const bench = await startBench({ emulator: { modifyOfficeDocuments: true } });
    await bench.start();
    const item = bench.dropFile('minutes.docx', 'PK fake docx');
    const done = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(done.state).toBe('delivered');
    expect(done.remoteQuickXorHash).toBe(hashFile(bench.remotePath('Incoming/minutes.docx')));
    expect(done.remoteQuickXorHash).not.toBe(item.quickXorHash);
    const event = bench.events.find(
      (logged) => logged.type === 'item.delivered' && logged.data.itemId === item.id,
    );
    expect(event?.data).toMatchObject({ isModifiedByServer: true });
  });

  it('never records a hash mismatch as success', async () => {
    const bench = await startBench();
    await bench.start();
    fs.writeFileSync(path.join(bench.watchDir, 'a.pdf'), 'actual content');
    const queued = bench.queueExisting('a.pdf');
    bench.store.updateItem(queued.id, { quickXorHash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
    const failed = await bench.waitForState(queued.id, ['failed', 'delivered']);
    expect(failed.state).toBe('failed');
    expect(failed.lastErrorCode).toBe('verify.mismatch');
  });

  it('applies the folder conflict setting: rename keeps both, fail refuses', async () => {
    for (const conflict of ['rename', 'fail'] as const) {
      const bench = await startBench({
        config: (watchDir) => ({
          folders: [
            { id: 'requests', path: watchDir, conflict, target: { folderPath: 'Incoming' } },
          ],
        }),
      });
      await bench.start();
      const first = bench.dropFile('a.txt', 'first');
      await bench.waitForState(first.id, ['delivered']);
      const second = bench.dropFile('a.txt', 'second version');
      const done = await bench.waitForState(second.id, ['delivered', 'failed']);
      if (conflict === 'rename') {
        expect(done.remoteUrl).toMatch(/Incoming\/a%201\.txt$/);
        expect(fs.readFileSync(bench.remotePath('Incoming/a 1.txt'), 'utf8')).toBe(
          'second version',
        );
      } else {
        expect(done.state).toBe('failed');
        expect(done.lastErrorCode).toBe('graph.conflict');
        expect(fs.readFileSync(bench.remotePath('Incoming/a.txt'), 'utf8')).toBe('first');
      }
    }
  });

  it('marks an item gone when its file disappeared before upload', async () => {
    const bench = await startBench();
    const item = bench.dropFile('gone.txt', 'x');
    fs.rmSync(path.join(bench.watchDir, 'gone.txt'));
    await bench.start();
    expect((await bench.waitForState(item.id, ['gone', 'failed'])).state).toBe('gone');
  });
});
