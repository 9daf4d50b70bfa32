import { describe, expect, it } from 'vitest';
import { startBench } from './harness.ts';

/**
 * Requests already on their way when a 429 ended are not early: a worker may have sent one in
 * the moment between the emulator finishing the 429 and SiteDrop reading it (a few event-loop
 * turns; figure 5 allows the same 20 ms).
 */
const inFlightToleranceMs = 20;

describe('throttling holds back the whole app (issue 7, figure 5)', () => {
  it('sends no request for any file after a 429 until its Retry-After has passed', async () => {
    const bench = await startBench({
      emulator: { latencyMs: 20 },
      config: { delivery: { concurrency: 4 } },
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
    const closedUntil = closedFrom + 2_000;
    const early = log.filter(
      (record) =>
        record.startedAt > closedFrom + inFlightToleranceMs && record.startedAt < closedUntil,
    );
    expect(early.map((record) => `${record.method} ${record.path}`)).toEqual([]);
    // The other workers had files left to send when the 429 came: they waited, then sent them.
    expect(log.filter((record) => record.startedAt >= closedUntil).length).toBeGreaterThan(4);
  });
});
