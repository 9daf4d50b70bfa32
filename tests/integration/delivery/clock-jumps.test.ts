import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ItemState } from '../../../src/shared/item-state.ts';
import { TestClock } from '../../helpers/test-clock.ts';
import { startBench } from './harness.ts';

const dayMs = 86_400_000;

/**
 * Delivery on a TestClock: the test moves monotonic time (and the wall clock with it) in steps,
 * giving the real HTTPS requests to the emulator a moment of real time after each step.
 */
async function startClockBench() {
  const clock = new TestClock(Date.now());
  const bench = await startBench({
    clock,
    config: {
      delivery: {
        retry: { inProcessDelaysMs: [], storedDelayMinMs: 60_000, storedDelayMaxMs: 3_600_000 },
        breaker: { failureThreshold: 1_000, minimumRequests: 100_000 },
      },
    },
  });
  const step = async (ms: number) => {
    clock.advance(ms);
    await new Promise((resolve) => setTimeout(resolve, 15));
  };
  /** Steps until the item is in one of the states; returns the monotonic time it got there. */
  const stepUntil = async (
    itemId: number,
    states: ItemState[],
    stepMs: number,
    limitMs: number,
  ) => {
    const until = clock.monotonicNow() + limitMs;
    while (!states.includes(bench.store.getItem(itemId)!.state)) {
      if (clock.monotonicNow() > until) return null;
      await step(stepMs);
    }
    return clock.monotonicNow();
  };
  const uploads = () => bench.requests({ method: 'PUT', pathIncludes: '/content' }).length;
  return { clock, bench, step, stepUntil, uploads };
}

describe('delivery when the system clock is changed (issue 4: timers use monotonic time)', () => {
  it('retries an item at about its intended time after the clock was set back three days', async () => {
    const { clock, bench, step, stepUntil, uploads } = await startClockBench();
    bench.emulator.faults.add({ method: 'PUT', path: '/content', status: 503, times: 1 });
    await bench.start();
    const item = bench.dropFile('site-plan.pdf', 'plan');
    const failedAt = await stepUntil(item.id, ['retrying'], 100, 10_000);
    expect(failedAt).not.toBeNull();
    const waiting = bench.store.getItem(item.id)!;
    const intendedWaitMs = waiting.nextAttemptAt! - clock.now();
    expect(intendedWaitMs).toBeGreaterThan(50_000);

    // Someone sets the system clock back three days (a wrong NTP server, a dead CMOS battery).
    clock.setWallClock(clock.now() - 3 * dayMs);
    await step(500);
    // What the UI shows follows: the next attempt is about the intended wait away, not days.
    const shown = bench.store.getItem(item.id)!.nextAttemptAt! - clock.now();
    expect(shown).toBeGreaterThan(intendedWaitMs - 2_000);
    expect(shown).toBeLessThanOrEqual(intendedWaitMs);
    expect(bench.events.at(-1)).toMatchObject({
      type: 'item.retrying',
      data: { itemId: item.id, errorCode: 'graph.unavailable' },
    });

    const retriedAt = await stepUntil(
      item.id,
      ['uploading', 'verifying', 'delivered'],
      500,
      120_000,
    );
    expect(retriedAt, 'the item was not retried within two minutes').not.toBeNull();
    expect(retriedAt! - failedAt!).toBeGreaterThanOrEqual(intendedWaitMs - 1_000);
    expect(retriedAt! - failedAt!).toBeLessThanOrEqual(intendedWaitMs + 3_000);
    const delivered = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(delivered.state).toBe('delivered');
    expect(fs.readFileSync(bench.remotePath('Incoming/site-plan.pdf'), 'utf8')).toBe('plan');
    expect(uploads()).toBe(2);
  });

  it('does not retry in a tight loop after the clock was set forward three days', async () => {
    const { clock, bench, step, stepUntil, uploads } = await startClockBench();
    bench.emulator.faults.add({ method: 'PUT', path: '/content', status: 503 });
    await bench.start();
    const item = bench.dropFile('site-plan.pdf', 'plan');
    expect(await stepUntil(item.id, ['retrying'], 100, 10_000)).not.toBeNull();

    clock.setWallClock(clock.now() + 3 * dayMs);
    // Ten minutes pass with SharePoint still down. Stored waits grow from one minute (1, 2,
    // 4 min ±10 %): the jump may bring one attempt forward, never a burst of them.
    for (let elapsedMs = 0; elapsedMs < 600_000; elapsedMs += 5_000) await step(5_000);
    expect(uploads()).toBeGreaterThanOrEqual(2);
    expect(uploads()).toBeLessThanOrEqual(4);
    const waiting = bench.store.getItem(item.id)!;
    expect(waiting.state).toBe('retrying');
    expect(waiting.attempts).toBe(uploads());
  });
});
