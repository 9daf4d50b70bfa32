import { describe, expect, it } from 'vitest';
import { startBench } from './harness.ts';

/**
 * Requests already on their way when a 429 ended are not early: each of the other workers may
 * have sent one before SiteDrop read the 429. How long after the 429's end the emulator starts
 * handling them depends on the machine's load (they share this process with it), so they are
 * bounded by count, not by time: at most one per other worker.
 */
const concurrency = 4;
const mayBeOnTheirWay = concurrency - 1;
/**
 * The emulator answers no sooner than this after a request arrives, so SiteDrop cannot have read
 * the 429 before its start plus this: its 2 s hold ends no sooner than that plus 2 s. (The log's
 * end time is when the emulator's response closed, which under load can come after SiteDrop
 * already read it.)
 */
const latencyMs = 20;

describe('throttling holds back the whole app (issue 7, figure 5)', () => {
  it('sends no request for any file after a 429 until its Retry-After has passed', async () => {
    const bench = await startBench({
      emulator: { latencyMs },
      config: { delivery: { concurrency } },
    });
    bench.emulator.faults.add({
      method: 'PUT',
      path: '/content',
      status: 429,
      retryAfterSeconds: 2,
      times: 1,
    });
    const items = Array.from({ length: 12 }, (_, index) =>
      bench.dropFile(`batch/${index}.txt`, `file ${index}`),
    );
    await bench.start();
    for (const item of items) {
      expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    }
    const log = bench.requests();
    const throttled = log.filter((record) => record.status === 429);
    expect(throttled).toHaveLength(1);
    const closedFrom = throttled[0]!.endedAt;
    const closedUntil = throttled[0]!.startedAt + latencyMs + 2_000;
    const early = log.filter(
      (record) => record.startedAt > closedFrom && record.startedAt < closedUntil,
    );
    const offset = (at: number) => `${Math.round(at - closedFrom)} ms`;
    // Those on their way are each a different file's first request, none the throttled file's.
    const paths = early.map((record) => record.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).not.toContain(throttled[0]!.path);
    const described = log.map(
      (record) => `${record.path.slice(-14)} ${record.status} at ${offset(record.startedAt)}`,
    );
    expect(
      early.length,
      `every request, from the 429's end: ${described.join('; ')}`,
    ).toBeLessThanOrEqual(mayBeOnTheirWay);
    // The other workers had files left to send when the 429 came: they waited, then sent them.
    expect(log.filter((record) => record.startedAt >= closedUntil).length).toBeGreaterThan(4);
  });
});
