import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startResponsesBench } from './harness.ts';

const isMetadataRead = (requestPath: string) =>
  !requestPath.endsWith('/content') && !requestPath.includes('/_download/');

const downloads = (bench: Awaited<ReturnType<typeof startResponsesBench>>) =>
  bench.requests({ pathIncludes: '/_download/' });

function findOnDisk(folder: string, name: string): string {
  const found = fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .find((entry) => path.basename(entry) === name);
  if (!found) throw new Error(`${name} is not under ${folder}`);
  return path.join(folder, found);
}

describe('bringing a response back from SharePoint', () => {
  it('brings one file: identical bytes, its SharePoint time, normal permissions, no partial left', async () => {
    const bench = await startResponsesBench();
    const content = randomBytes(300_000);
    const file = await bench.putRemote('REQ-77 answer.pdf', content);
    const ready = await bench.bring(bench.detect(file));

    expect(ready).toMatchObject({ state: 'ready', sizeBytes: content.length, errorCode: null });
    const localPath = path.join(bench.localFolder, 'REQ-77 answer.pdf');
    expect(ready.localPath).toBe(localPath);
    expect(fs.readFileSync(localPath).equals(content)).toBe(true);
    const stat = fs.statSync(localPath);
    expect(Math.round(stat.mtimeMs)).toBe(file.remoteModifiedAt);
    expect(stat.mode & 0o777).toBe(0o666 & ~process.umask());
    expect(bench.visibleNames()).toEqual(['REQ-77 answer.pdf']);
    expect(bench.partialNames()).toEqual([]);
    expect(fs.statSync(path.join(bench.localFolder, '.sitedrop-partial')).mode & 0o777).toBe(0o700);
    // GET …/content answered 302; the download URL (which refuses Authorization) answered 200.
    expect(bench.requests({ pathIncludes: '/content' }).some((r) => r.status === 302)).toBe(true);
    expect(downloads(bench).map((record) => record.status)).toEqual([200]);
    const types = bench.events.filter((event) => event.type.startsWith('response.'));
    expect(types.map((event) => event.type)).toEqual([
      'response.detected',
      'response.downloading',
      'response.verifying',
      'response.ready',
    ]);
  });

  it('resumes from the stored offset with a Range request, and the bytes are identical', async () => {
    const bench = await startResponsesBench();
    const content = randomBytes(500_000);
    const file = await bench.putRemote('plan.pdf', content);
    const response = bench.detect(file);
    // A run before wrote and synced the first 200,000 bytes, then the agent died.
    const partial = path.join(bench.localFolder, '.sitedrop-partial', `${response.id}.partial`);
    fs.mkdirSync(path.dirname(partial), { recursive: true, mode: 0o700 });
    fs.writeFileSync(partial, Buffer.concat([content.subarray(0, 200_000), randomBytes(1000)]));
    bench.store.responses.startDownloading(response.id, 0);
    const interrupted = bench.store.responses.update(response.id, { downloadOffset: 200_000 });

    const ready = await bench.bring(interrupted);
    expect(ready.state).toBe('ready');
    expect(fs.readFileSync(ready.localPath!).equals(content)).toBe(true);
    expect(downloads(bench).map((record) => record.status)).toEqual([206]);
    const resumed = bench.events.filter((event) => event.type === 'response.downloading').at(-1);
    expect(resumed?.data).toEqual({ responseId: response.id, offsetBytes: 200_000 });
  });

  it('starts again from the first byte when the server answers a Range request with 200', async () => {
    const bench = await startResponsesBench();
    const content = randomBytes(400_000);
    const file = await bench.putRemote('drawing.pdf', content);
    const response = bench.detect(file);
    const partial = path.join(bench.localFolder, '.sitedrop-partial', `${response.id}.partial`);
    fs.mkdirSync(path.dirname(partial), { recursive: true, mode: 0o700 });
    fs.writeFileSync(partial, content.subarray(0, 100_000));
    bench.store.responses.startDownloading(response.id, 0);
    bench.store.responses.update(response.id, { downloadOffset: 100_000 });
    bench.emulator.faults.add({ path: '/_download/', ignoreRange: true, times: 1 });

    const ready = await bench.bring(bench.store.responses.get(response.id)!);
    expect(ready.state).toBe('ready');
    expect(fs.readFileSync(ready.localPath!).equals(content)).toBe(true);
    expect(downloads(bench).map((record) => record.status)).toEqual([200]);
  });

  it('reads the item again when the download URL expired, and resumes the same version', async () => {
    const bench = await startResponsesBench();
    const content = randomBytes(250_000);
    const file = await bench.putRemote('quote.pdf', content);
    bench.emulator.faults.add({ path: '/_download/', expireDownloadUrl: true, times: 1 });
    const itemReadsBefore = bench.requests({ method: 'GET', pathIncludes: file.id }).length;

    const ready = await bench.bring(bench.detect(file));
    expect(ready.state).toBe('ready');
    expect(fs.readFileSync(ready.localPath!).equals(content)).toBe(true);
    expect(downloads(bench).map((record) => record.status)).toEqual([401, 200]);
    const itemReads = bench
      .requests({ method: 'GET', pathIncludes: file.id })
      .slice(itemReadsBefore)
      .filter((record) => isMetadataRead(record.path));
    expect(itemReads).toHaveLength(1);
  });

  it('reads the listing again once when the hash differs, and keeps bytes that match it', async () => {
    const bench = await startResponsesBench();
    const content = randomBytes(50_000);
    const file = await bench.putRemote('sheet.xlsx.bin', content);
    // The delta page listed a hash from before SharePoint rewrote the file.
    const ready = await bench.bring(
      bench.detect(file, { quickXorHash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }),
    );
    expect(ready).toMatchObject({ state: 'ready', quickXorHash: file.quickXorHash });
    expect(fs.readFileSync(ready.localPath!).equals(content)).toBe(true);
  });

  it('fails with a sentence when the bytes still differ from the listing read again', async () => {
    const bench = await startResponsesBench();
    const content = randomBytes(50_000);
    const file = await bench.putRemote('report.pdf', content);
    // The bytes SharePoint serves change behind its listing (same size, other content).
    fs.writeFileSync(findOnDisk(bench.emulator.rootDir, 'report.pdf'), randomBytes(50_000));

    const failed = await bench.bring(bench.detect(file));
    expect(failed.state).toBe('failed');
    expect(failed.errorCode).toBe('response.content-differs');
    expect(failed.errorMessage).toMatch(
      /^"report\.pdf" arrived with different content than SharePoint lists \(quickXorHash .+ instead of the .+ SharePoint lists\), also after reading its listing again\. It was not saved\./,
    );
    expect(bench.visibleNames()).toEqual([]);
    expect(bench.store.responses.get(failed.id)?.downloadOffset).toBe(0);
    const metadataReads = bench
      .requests({ method: 'GET', pathIncludes: file.id })
      .filter((record) => isMetadataRead(record.path));
    expect(metadataReads).toHaveLength(2);
  });
});
