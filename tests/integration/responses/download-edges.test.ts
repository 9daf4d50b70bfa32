import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startResponsesBench } from './harness.ts';

describe('a response meets the local folder, bad names and a full disk', () => {
  it('never overwrites a file a person made: the copy gets "(from SharePoint 2)"', async () => {
    const bench = await startResponsesBench();
    const content = randomBytes(20_000);
    const file = await bench.putRemote('answer.pdf', content);
    fs.mkdirSync(bench.localFolder, { recursive: true });
    fs.writeFileSync(path.join(bench.localFolder, 'answer.pdf'), 'made by a person');

    const ready = await bench.bring(bench.detect(file));
    expect(ready.localPath).toBe(path.join(bench.localFolder, 'answer (from SharePoint 2).pdf'));
    expect(fs.readFileSync(ready.localPath!).equals(content)).toBe(true);
    expect(fs.readFileSync(path.join(bench.localFolder, 'answer.pdf'), 'utf8')).toBe(
      'made by a person',
    );
    expect(bench.visibleNames()).toEqual(['answer (from SharePoint 2).pdf', 'answer.pdf']);
  });

  it('brings a new version beside the old one when a person changed the local copy', async () => {
    const bench = await startResponsesBench();
    const file = await bench.putRemote('terms.pdf', 'version one');
    const first = await bench.bring(bench.detect(file));
    fs.appendFileSync(first.localPath!, ' with a note of the site office');
    const changed = await bench.putRemote('terms.pdf', 'version two, longer');

    const second = await bench.bring(bench.detect(changed));
    expect(second.localPath).toBe(path.join(bench.localFolder, 'terms (from SharePoint 2).pdf'));
    expect(fs.readFileSync(first.localPath!, 'utf8')).toBe(
      'version one with a note of the site office',
    );
    expect(fs.readFileSync(second.localPath!, 'utf8')).toBe('version two, longer');
  });

  it('replaces the previous version of a response that nobody changed locally', async () => {
    const bench = await startResponsesBench();
    const first = await bench.bring(bench.detect(await bench.putRemote('price.txt', 'old price')));
    const second = await bench.bring(
      bench.detect(await bench.putRemote('price.txt', 'new price!')),
    );
    expect(second.localPath).toBe(first.localPath);
    expect(fs.readFileSync(second.localPath!, 'utf8')).toBe('new price!');
    expect(bench.visibleNames()).toEqual(['price.txt']);
  });

  it.each([
    ['../escape.pdf', /contains "\/"/],
    ['CON.pdf', /reserved device name/],
    [`${'x'.repeat(300)}.pdf`, /characters long/],
    ['..', /is not a file name/],
  ])('refuses the remote name %s with a sentence and writes nothing', async (name, reason) => {
    const bench = await startResponsesBench();
    const file = await bench.putRemote('harmless.pdf', 'content');
    const failed = await bench.bring(bench.detect(file, { name }));
    expect(failed.state).toBe('failed');
    expect(failed.errorCode).toBe('response.bad-name');
    expect(failed.errorMessage).toMatch(reason);
    expect(failed.errorMessage).toMatch(/Ask head office to rename it in SharePoint/);
    expect(fs.existsSync(path.join(bench.dir, 'escape.pdf'))).toBe(false);
    expect(bench.visibleNames()).toEqual([]);
    expect(bench.requests({ pathIncludes: '/_download/' })).toEqual([]);
  });

  it('says the disk is full before downloading, loses nothing, and brings it once space is free', async () => {
    const bench = await startResponsesBench();
    const content = randomBytes(10_000);
    const file = await bench.putRemote('big.pdf', content);
    const failed = await bench.bring(bench.detect(file), {
      minimumFreeBytes: Number.MAX_SAFE_INTEGER,
    });
    expect(failed).toMatchObject({ state: 'failed', errorCode: 'response.disk-full' });
    expect(failed.errorMessage).toMatch(
      new RegExp(`^The disk of ${bench.localFolder} has .+ free, too little for "big\\.pdf"`),
    );
    expect(bench.requests({ pathIncludes: '/_download/' })).toEqual([]);

    const ready = await bench.bring(bench.store.responses.retry(failed.id));
    expect(fs.readFileSync(ready.localPath!).equals(content)).toBe(true);
  });

  it('waits for a person when a response is larger than the cap', async () => {
    const bench = await startResponsesBench();
    const file = await bench.putRemote('huge.bin', randomBytes(5_000));
    const mapping = { ...bench.mapping, maxSizeBytes: 4_096 };
    const { bringResponse } = await import('../../../src/main/core/responses/download-response.ts');
    const failed = await bringResponse(bench.detect(file), mapping, bench.parts);
    expect(failed).toMatchObject({ state: 'failed', errorCode: 'response.too-large' });
    expect(failed.errorMessage).toMatch(
      /^The response "huge\.bin" is .+, more than the .+ responses may be/,
    );
    expect(bench.requests({ pathIncludes: '/_download/' })).toEqual([]);
  });

  it('records a file deleted in SharePoint before it was brought as skipped', async () => {
    const bench = await startResponsesBench();
    const file = await bench.putRemote('withdrawn.pdf', 'withdrawn');
    const response = bench.detect(file);
    await bench.deleteRemote(file.id);
    const skipped = await bench.bring(response);
    expect(skipped).toMatchObject({ state: 'skipped', skipReason: 'deleted' });
    expect(bench.visibleNames()).toEqual([]);
  });
});
