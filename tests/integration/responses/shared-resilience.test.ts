import { describe, expect, it } from 'vitest';
import { startResponsesBench } from './harness.ts';

/** Requests already on their way when a 429 ended are not early (as in throttle-shared.test.ts). */
const inFlightToleranceMs = 20;

describe('downloads and uploads share one Retry-After and one breaker', () => {
  it('sends no download request while an upload’s Retry-After holds SharePoint back', async () => {
    const bench = await startResponsesBench();
    const file = await bench.putRemote('answer.pdf', 'the answer');
    const response = bench.detect(file);
    bench.emulator.faults.add({
      method: 'PUT',
      path: '/content',
      status: 429,
      retryAfterSeconds: 2,
      times: 1,
    });
    bench.dropFile('another request.pdf', 'another request');
    const deadline = Date.now() + 10_000;
    while (!bench.requests().some((record) => record.status === 429)) {
      if (Date.now() > deadline) throw new Error('the upload was never throttled');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const throttledAt = bench.requests().find((record) => record.status === 429)!.endedAt;

    const ready = await bench.bring(response);
    expect(ready.state).toBe('ready');
    const downloadRequests = bench
      .requests()
      .filter(
        (record) =>
          record.path.includes('/_download/') ||
          (record.path.endsWith('/content') && record.method === 'GET'),
      );
    expect(downloadRequests.length).toBeGreaterThanOrEqual(2);
    for (const record of downloadRequests) {
      expect(record.startedAt).toBeGreaterThanOrEqual(throttledAt + 2_000 - inFlightToleranceMs);
    }
  });

  it('opens delivery’s breaker when downloads keep failing, so uploads pause too', async () => {
    const bench = await startResponsesBench({
      config: (watchDir) => ({
        folders: [
          {
            id: 'requests',
            path: watchDir,
            target: { folderPath: 'Responses' },
            conflict: 'replace',
          },
        ],
        delivery: {
          retry: { inProcessDelaysMs: [10, 10] },
          breaker: { failureThreshold: 3, probeIntervalMs: 60_000 },
        },
      }),
    });
    const file = await bench.putRemote('answer.pdf', 'the answer');
    bench.emulator.faults.add({ path: '/_download/', status: 503 });

    await expect(bench.bring(bench.detect(file))).rejects.toThrow(/temporarily unavailable/);
    expect(bench.delivery.connectionState()).toMatchObject({
      status: 'paused-by-breaker',
      breaker: 'open',
    });
    const uploadsBefore = bench.requests({ method: 'PUT' }).length;
    const item = bench.dropFile('while paused.pdf', 'waits for the breaker');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bench.requests({ method: 'PUT' })).toHaveLength(uploadsBefore);
    expect(bench.store.getItem(item.id)?.state).not.toBe('delivered');
    // The response stays where it was: the next run resumes it.
    expect(bench.store.responses.listPending().map((response) => response.state)).toEqual([
      'downloading',
    ]);
  });
});
