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

describe('claiming one item ahead per slot (issue 7, figure 3)', () => {
  it("claims a slot's next item while its item is in flight, so the next send waits for no commit", async () => {
    const bench = await startBench({
      emulator: { latencyMs: 30 },
      config: { delivery: { concurrency: 1 } },
    });
    const items = Array.from({ length: 4 }, (_, index) =>
      bench.dropFile(`ahead/${index}.txt`, `content ${index}`),
    );
    const commits = recordCommits(bench);
    await bench.start();
    for (const item of items) {
      expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    }
    const commitOf = (itemId: number, type: string) =>
      commits.findIndex((commit) =>
        commit.types.some((each, index) => each === type && commit.itemIds[index] === itemId),
      );
    for (const [index, item] of items.entries()) {
      const put = bench
        .requests({ method: 'PUT' })
        .find((record) => record.path.endsWith(`/${item.relativePath}:/content`));
      // Still the durability rule: sent only after its uploading state is committed.
      expect(put!.startedAt).toBeGreaterThan(commits[commitOf(item.id, 'item.uploading')]!.atMs);
      const next = items[index + 1];
      if (next) {
        // The next item was claimed in an earlier commit than this one's outcome.
        expect(commitOf(next.id, 'item.uploading')).toBeLessThan(
          commitOf(item.id, 'item.delivered'),
        );
      }
      expect(bench.store.getItem(item.id)?.attempts).toBe(1);
    }
    expect(bench.requests({ method: 'PUT' })).toHaveLength(4);
  });

  it('gives an item claimed ahead back unsent, with no attempt counted, on pause, cancel and close', async () => {
    const bench = await startBench({
      emulator: { latencyMs: 600 },
      config: { delivery: { concurrency: 1 } },
    });
    const [first, second, third] = ['a', 'b', 'c'].map((name) =>
      bench.dropFile(`held/${name}.txt`, name),
    );
    await bench.start();
    // The slot sends the first file and holds the second ahead.
    expect((await bench.waitForState(second!.id, ['uploading'], 5_000)).attempts).toBe(1);
    bench.delivery.pause('requests');
    const paused = bench.store.getItem(second!.id)!;
    expect(paused).toMatchObject({ state: 'queued', attempts: 0 });
    expect(bench.store.listAttempts(second!.id)).toEqual([]);
    expect((await bench.waitForState(first!.id, ['delivered', 'failed'])).state).toBe('delivered');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bench.store.getItem(second!.id)?.state).toBe('queued');
    expect(bench.requests({ pathIncludes: 'held/b.txt' })).toEqual([]);

    // Cancelled while held ahead: cancelled, never sent.
    bench.delivery.resume('requests');
    const sentOf = (item: { relativePath: string }) =>
      bench.requests({ pathIncludes: item.relativePath }).length > 0;
    const deadline = Date.now() + 5_000;
    while (!(sentOf(second!) || sentOf(third!))) {
      if (Date.now() > deadline) throw new Error('neither b nor c was sent after resume');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // One is on the wire, the other was claimed with it and is held ahead.
    const held = sentOf(second!) ? third! : second!;
    expect(bench.store.getItem(held.id)?.state).toBe('uploading');
    expect(await bench.delivery.cancelItem(held.id)).toBe(true);
    expect(bench.store.getItem(held.id)?.state).toBe('cancelled');
    expect(bench.store.listAttempts(held.id)).toEqual([]);

    // Closed while one is held ahead: back in the queue, unsent, no attempt counted.
    const fourth = bench.dropFile('held/d.txt', 'd');
    await bench.waitForState(fourth.id, ['uploading'], 5_000);
    await bench.delivery.close();
    for (const item of [second!, third!, fourth]) {
      if (item.id === held.id) continue;
      const now = bench.store.getItem(item.id)!;
      if (bench.requests({ pathIncludes: item.relativePath }).length === 0) {
        expect(now).toMatchObject({ state: 'queued', attempts: 0 });
        expect(bench.store.listAttempts(item.id)).toEqual([]);
      }
    }
    expect(bench.requests({ pathIncludes: 'held/d.txt' })).toEqual([]);
  });
});
