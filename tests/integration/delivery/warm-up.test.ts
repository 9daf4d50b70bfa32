import { describe, expect, it } from 'vitest';
import { startBench } from './harness.ts';

type Bench = Awaited<ReturnType<typeof startBench>>;

/** The emulator's requests as "METHOD kind", in order: token, site, drives or the file's path. */
function requestKinds(bench: Bench, afterSequence = 0): string[] {
  return bench.emulator.requestLog
    .filter((record) => record.sequence > afterSequence)
    .map((record) => {
      if (record.path.includes('/oauth2/')) return `${record.method} token`;
      if (record.path.endsWith('/drives') || record.path.includes('/drives?')) {
        return `${record.method} drives`;
      }
      if (record.path.includes('/sites/') && record.path.includes(':/')) {
        return `${record.method} site`;
      }
      return `${record.method} ${record.path.replace(/^.*\/root:\//, '')}`;
    });
}

async function waitFor(isDone: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isDone()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const checkedLine = 'Delivery checked the token, the site and its libraries';

describe('delivery connects when it starts (issue 7, figure 4)', () => {
  it('gets the token, the site and the drive before any file, so the first file starts with its PUT', async () => {
    const bench = await startBench();
    await bench.start();
    await waitFor(
      () => bench.logLines.some((line) => line.includes(checkedLine)),
      'the connection check',
    );
    // One of each, in order, and nothing else: no file was queued yet.
    expect(requestKinds(bench)).toEqual(['POST token', 'GET site', 'GET drives']);
    expect(bench.delivery.connectionState().status).toBe('ready');

    const mark = bench.emulator.requestLog.at(-1)!.sequence;
    const item = bench.dropFile('a.txt', 'first');
    expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    // The first request after the file is queued is its PUT: nothing is looked up any more.
    expect(requestKinds(bench, mark)[0]).toBe('PUT Incoming/a.txt:/content');
    expect(requestKinds(bench, mark).filter((kind) => !kind.startsWith('PUT'))).toEqual([]);
  });

  it('shares the lookups in flight with files queued meanwhile: one site and one drive request', async () => {
    const bench = await startBench({ config: { delivery: { concurrency: 4 } } });
    bench.emulator.faults.add({ method: 'GET', path: '/sites/', delayMs: 300 });
    await bench.start();
    const items = ['a', 'b', 'c', 'd', 'e'].map((name) => bench.dropFile(`${name}.txt`, name));
    for (const item of items) {
      expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    }
    const kinds = requestKinds(bench);
    expect(kinds.filter((kind) => kind === 'GET site')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'GET drives')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'POST token')).toHaveLength(1);
  });

  it('reports a wrong site before any file arrives', async () => {
    const bench = await startBench({
      config: { sharepoint: { siteUrl: 'https://contoso.sharepoint.com/sites/NoSuchSite' } },
    });
    await bench.start();
    await waitFor(
      () => bench.logLines.some((line) => line.includes('config.site-not-found')),
      'the wrong site to be reported',
    );
    const reported = bench.logLines.find((line) => line.includes('config.site-not-found'))!;
    expect(JSON.parse(reported)).toMatchObject({
      level: 50,
      code: 'config.site-not-found',
      msg: expect.stringContaining('check sharepoint.siteUrl') as unknown,
    });
    // Once, through the same policies as a file: a 404 is not retried.
    expect(requestKinds(bench)).toEqual(['POST token', 'GET site']);
    expect(bench.logLines.some((line) => line.includes(checkedLine))).toBe(false);
    expect(bench.store.countsByState().queued).toBe(0);
  });

  it('checks the connection while delivery is paused, and sends nothing', async () => {
    const bench = await startBench();
    bench.store.setMeta(
      'delivery.pauseState',
      JSON.stringify({ isPausedAll: true, pausedFolderIds: [] }),
    );
    const item = bench.dropFile('a.txt', 'held');
    await bench.start();
    expect(bench.delivery.pauseState().isPausedAll).toBe(true);
    await waitFor(
      () => bench.logLines.some((line) => line.includes(checkedLine)),
      'the connection check',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requestKinds(bench)).toEqual(['POST token', 'GET site', 'GET drives']);
    expect(bench.store.getItem(item.id)!.state).toBe('queued');
  });

  it('closes at once during the connection check, without an unhandled rejection', async () => {
    const bench = await startBench();
    bench.emulator.faults.add({ method: 'GET', path: '/sites/', delayMs: 5_000 });
    const delivery = await bench.start();
    await waitFor(() => bench.requests({ pathIncludes: '/sites/' }).length > 0, 'the site lookup');
    const startedAt = Date.now();
    await delivery.close();
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(bench.logLines.filter((line) => JSON.parse(line).level >= 40)).toEqual([]);
  });
});
