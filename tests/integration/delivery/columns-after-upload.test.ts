import { describe, expect, it } from 'vitest';
import { getDeliveredDriveItem, startBench } from './harness.ts';

/** A bench whose folder maps two columns, as an admin sets them; stored retries after ~1 s. */
async function startColumnBench() {
  const bench = await startBench({
    config: (watchDir) => ({
      delivery: { retry: { inProcessDelaysMs: [20, 40, 80], storedDelayMinMs: 1_000 } },
      folders: [
        {
          id: 'requests',
          path: watchDir,
          target: {
            folderPath: 'Incoming',
            columns: { RequestId: '{request_id}', Title: '{fileStem}' },
          },
        },
      ],
    }),
  });
  await bench.start();
  return bench;
}

/** SharePoint answers the next `times` fields PATCHes with 409 resourceModified. */
function makeItemBusy(bench: Awaited<ReturnType<typeof startColumnBench>>, times: number): void {
  bench.emulator.faults.add({
    method: 'PATCH',
    path: '/listItem/fields',
    status: 409,
    code: 'resourceModified',
    message: 'The resource has changed since the caller last read it; usually an eTag mismatch',
    times,
  });
}

describe('columns of a file SharePoint is still processing (409 resourceModified)', () => {
  it('delivers the file with its columns set after SharePoint stops answering 409, uploading it once', async () => {
    const bench = await startColumnBench();
    makeItemBusy(bench, 2);
    const item = bench.dropFile('scan.pdf', 'pdf bytes', { request_id: 'REQ-2026-0117' });
    const done = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(done.state, done.lastErrorMessage ?? '').toBe('delivered');

    const fields = await getDeliveredDriveItem(bench, done, '/listItem/fields');
    expect(fields).toMatchObject({ RequestId: 'REQ-2026-0117', Title: 'scan' });
    expect(bench.requests({ method: 'PUT', pathIncludes: '/content' })).toHaveLength(1);
    expect(
      bench.requests({ method: 'PATCH', pathIncludes: '/listItem/fields' }).map((r) => r.status),
    ).toEqual([409, 409, 200]);
    expect(bench.store.listAttempts(item.id).map((attempt) => attempt.outcome)).toEqual([
      'delivered',
    ]);
  });

  it('waits as retrying, not failed, while SharePoint stays busy, and then sets only the columns', async () => {
    const bench = await startColumnBench();
    // Busy for longer than the in-process tries (three retries in this bench).
    makeItemBusy(bench, 4);
    const item = bench.dropFile('scan.pdf', 'pdf bytes', { request_id: 'REQ-2026-0118' });
    const waiting = await bench.waitForState(item.id, ['retrying', 'failed', 'delivered']);
    expect(waiting.state).toBe('retrying');
    expect(waiting.lastErrorCode).toBe('graph.item-busy');
    expect(waiting.lastErrorMessage).toMatch(/still busy with the file/);
    expect(waiting.lastErrorMessage).not.toMatch(/already exists/);

    const done = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(done.state, done.lastErrorMessage ?? '').toBe('delivered');
    expect(bench.requests({ method: 'PUT', pathIncludes: '/content' })).toHaveLength(1);
    expect(bench.store.listAttempts(item.id).map((attempt) => attempt.outcome)).toEqual([
      'retrying',
      'already-there',
    ]);
  });
});
