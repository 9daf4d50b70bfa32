import { describe, expect, it } from 'vitest';
import { TestClock } from '../../helpers/test-clock.ts';
import { startBench } from './harness.ts';

type Bench = Awaited<ReturnType<typeof startBench>>;

/**
 * Records what the store publishes, one entry per publish: the store publishes once per
 * outermost COMMIT, so each entry is one commit's events, with the time it was published.
 */
function recordCommits(bench: Bench): { types: string[]; itemIds: number[]; atMs: number }[] {
  const commits: { types: string[]; itemIds: number[]; atMs: number }[] = [];
  const publish = bench.bus.publish.bind(bench.bus);
  bench.bus.publish = (events: Parameters<typeof publish>[0]) => {
    const logged = events.filter((event) => event.seq !== undefined);
    if (logged.length > 0) {
      commits.push({
        types: logged.map((event) => event.type),
        itemIds: logged.map((event) => (event.data as { itemId?: number }).itemId ?? 0),
        atMs: performance.timeOrigin + performance.now(),
      });
    }
    publish(events);
  };
  return commits;
}

function dropEight(bench: Bench) {
  return Array.from({ length: 8 }, (_, index) =>
    bench.dropFile(`batch/file-${index}.txt`, `content ${index}`),
  );
}

describe('delivery commits (issue 7: fsyncs shared by concurrent workers)', () => {
  it('claims every free slot in one commit: eight queued files go to uploading together', async () => {
    const bench = await startBench({ config: { delivery: { concurrency: 8 } } });
    const items = dropEight(bench);
    const commits = recordCommits(bench);
    await bench.start();
    for (const item of items) {
      expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    }
    const claims = commits.filter((commit) => commit.types.includes('item.uploading'));
    expect(claims).toHaveLength(1);
    expect(claims[0]!.types).toEqual(Array.from({ length: 8 }, () => 'item.uploading'));
  });

  it('records verifying and delivered of a small file in one commit, and sends only after uploading is committed', async () => {
    const bench = await startBench();
    const commits = recordCommits(bench);
    await bench.start();
    const items = dropEight(bench);
    for (const item of items) {
      expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    }
    for (const item of items) {
      const ofItem = commits
        .map((commit) => ({
          atMs: commit.atMs,
          types: commit.types.filter((_, index) => commit.itemIds[index] === item.id),
        }))
        .filter((commit) => commit.types.length > 0);
      expect(ofItem.map((commit) => commit.types)).toEqual([
        ['item.queued'],
        ['item.uploading'],
        ['item.verifying', 'item.delivered'],
      ]);
      const put = bench
        .requests({ method: 'PUT' })
        .find((record) => record.path.endsWith(`/${item.relativePath}:/content`));
      expect(put).toBeDefined();
      // The durability rule: the state is committed (and published) before the PUT is sent.
      expect(put!.startedAt).toBeGreaterThan(ofItem[1]!.atMs);
    }
  });

  it('gives claims that commit while delivery closes back to the queue, unsent', async () => {
    const clock = new TestClock(Date.now());
    const bench = await startBench({ clock, config: { delivery: { concurrency: 8 } } });
    await bench.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const items = dropEight(bench);
    // The queued events woke the worker: its claim now waits for its commit when close() begins.
    clock.advance(0);
    await bench.delivery.close();
    for (const item of items) {
      expect(bench.store.getItem(item.id)?.state).toBe('queued');
      expect(bench.store.listAttempts(item.id).map((attempt) => attempt.outcome)).toEqual([
        'interrupted',
      ]);
    }
    expect(bench.requests({ method: 'PUT' })).toEqual([]);
  });
});
