import https from 'node:https';
import { describe, expect, it } from 'vitest';
import type { ItemState } from '../../../src/shared/item-state.ts';
import { noHashNote } from '../../../src/main/core/delivery/hash-check.ts';
import { toItemView, toStatusItem } from '../../../src/main/core/feed/item-view.ts';
import { TestClock } from '../../helpers/test-clock.ts';
import { emulatorToken, startBench } from './harness.ts';

/**
 * Delivery on a TestClock, so the minutes between reads of a file's hash pass in steps; the
 * real HTTPS requests to the emulator get a moment of real time after each step.
 */
async function startHashBench() {
  const clock = new TestClock(Date.now());
  const bench = await startBench({ clock });
  await bench.start();
  /**
   * Steps until the item is in one of the states; false when it is not within limitMs. Short
   * steps while the first upload runs (its timers are on this clock too), long ones after.
   */
  const stepUntil = async (itemId: number, states: ItemState[], limitMs: number) => {
    const until = clock.monotonicNow() + limitMs;
    while (!states.includes(bench.store.getItem(itemId)!.state)) {
      if (clock.monotonicNow() > until) return false;
      clock.advance(limitMs > 60_000 ? 5_000 : 100);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    return true;
  };
  const reads = (remoteId: string) =>
    bench.requests({ method: 'GET', pathIncludes: `/items/${remoteId}` }).length;
  const uploads = () => bench.requests({ method: 'PUT', pathIncludes: '/content' }).length;
  return { clock, bench, stepUntil, reads, uploads };
}

describe('a delivered file SharePoint gives no quickXorHash for ("hash values may not be available")', () => {
  it('reads the hash again three times over the next minutes, then delivers with a note saying only the size was checked', async () => {
    const { bench, stepUntil, reads, uploads } = await startHashBench();
    bench.emulator.missingHashes.add({ path: 'plan.pdf' });
    const item = bench.dropFile('plan.pdf', 'site plan');

    expect(await stepUntil(item.id, ['retrying', 'failed', 'delivered'], 30_000)).toBe(true);
    const waiting = bench.store.getItem(item.id)!;
    expect(waiting.state).toBe('retrying');
    expect(waiting.lastErrorCode).toBe('verify.hash-pending');
    expect(waiting.lastErrorMessage).toMatch(
      /size matches.*reads it again in 30 s \(check 1 of 3\)/,
    );

    expect(await stepUntil(item.id, ['delivered', 'failed'], 10 * 60_000)).toBe(true);
    const delivered = bench.store.getItem(item.id)!;
    expect(delivered.state, delivered.lastErrorMessage ?? '').toBe('delivered');
    expect(delivered.verificationNote).toBe(noHashNote);
    expect(toItemView(delivered).verificationNote).toBe('Size checked; SharePoint gave no hash');
    expect(toStatusItem(delivered)).toMatchObject({
      state: 'delivered',
      error: null,
      verificationNote: 'Size checked; SharePoint gave no hash',
    });
    expect(bench.events.find((event) => event.type === 'item.delivered')?.data).toMatchObject({
      verificationNote: noHashNote,
    });
    expect(uploads()).toBe(1);
    expect(reads(delivered.remoteId!)).toBe(3);
    // While it waited it was retrying (no upload slot held) or verifying, never uploading again.
    const states = bench.events
      .filter((event) => 'itemId' in event.data && event.data.itemId === item.id)
      .map((event) => event.type);
    expect(states.filter((type) => type === 'item.uploading')).toHaveLength(1);
    expect(states.filter((type) => type === 'item.retrying')).toHaveLength(3);
  });

  it('delivers normally when the hash appears on a later read and matches', async () => {
    const { bench, stepUntil, reads, uploads } = await startHashBench();
    // The upload's answer and the first read again come without it; the second has it.
    bench.emulator.missingHashes.add({ path: 'plan.pdf', reads: 2 });
    const item = bench.dropFile('plan.pdf', 'site plan');
    expect(await stepUntil(item.id, ['delivered', 'failed'], 10 * 60_000)).toBe(true);
    const delivered = bench.store.getItem(item.id)!;
    expect(delivered.state, delivered.lastErrorMessage ?? '').toBe('delivered');
    expect(delivered.verificationNote).toBeNull();
    expect(uploads()).toBe(1);
    expect(reads(delivered.remoteId!)).toBe(2);
  });

  it('still fails as a mismatch when the hash that appears is not the file that was sent', async () => {
    const { bench, stepUntil } = await startHashBench();
    bench.emulator.missingHashes.add({ path: 'plan.pdf', reads: 1 });
    const item = bench.dropFile('plan.pdf', 'site plan');
    expect(await stepUntil(item.id, ['retrying', 'failed', 'delivered'], 30_000)).toBe(true);
    // Someone replaces the file in SharePoint meanwhile with other bytes of the same size.
    await replaceContent(bench, 'Incoming/plan.pdf', 'SITE PLAN');
    expect(await stepUntil(item.id, ['delivered', 'failed'], 10 * 60_000)).toBe(true);
    const failed = bench.store.getItem(item.id)!;
    expect(failed.state).toBe('failed');
    expect(failed.lastErrorCode).toBe('verify.mismatch');
  });

  it('never fails a good upload for a missing hash: an empty file without one is delivered', async () => {
    const { bench, stepUntil, uploads } = await startHashBench();
    bench.emulator.missingHashes.add({ sizeBytes: 0 });
    const item = bench.dropFile('empty.txt', '');
    expect(await stepUntil(item.id, ['delivered', 'failed'], 10 * 60_000)).toBe(true);
    const delivered = bench.store.getItem(item.id)!;
    expect(delivered.state, delivered.lastErrorMessage ?? '').toBe('delivered');
    expect(delivered.verificationNote).toBe(noHashNote);
    expect(uploads()).toBe(1);
  });
});

/** PUTs other content over a file in the emulator, as a person in SharePoint would. */
async function replaceContent(
  bench: Awaited<ReturnType<typeof startBench>>,
  libraryPath: string,
  content: string,
): Promise<void> {
  const driveId = bench.store.getMeta(
    'delivery.driveId:https://contoso.sharepoint.com/sites/SiteOffice|documents',
  );
  const token = await emulatorToken(bench.emulator);
  const url = `${bench.emulator.graphBaseUrl}/drives/${encodeURIComponent(driveId ?? '')}/root:/${libraryPath}:/content`;
  await new Promise<void>((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        ca: bench.emulator.caCertificatePem,
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`replace answered ${response.statusCode}`)),
        );
      },
    );
    request.on('error', reject);
    request.end(content);
  });
}
