import { describe, expect, it } from 'vitest';
import {
  Sequencer,
  SingleFlight,
  Throttler,
} from '../../../../../src/main/core/lifecycle/index.ts';

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('shares the run under way, and starts a new one once it settled', async () => {
    const flight = new SingleFlight<number>();
    const gate = deferred<number>();
    let runs = 0;
    const task = () => {
      runs += 1;
      return gate.promise;
    };
    const first = flight.run(task);
    const second = flight.run(task);
    expect(second).toBe(first);
    gate.resolve(7);
    expect(await Promise.all([first, second])).toEqual([7, 7]);
    expect(runs).toBe(1);

    await flight.run(async () => 8);
    expect(flight.isRunning).toBe(false);
  });

  it('gives every caller of a failed run the failure, and runs afresh after it', async () => {
    const flight = new SingleFlight<void>();
    const failing = flight.run(async () => {
      throw new Error('the folder cannot be read');
    });
    await expect(failing).rejects.toThrow('the folder cannot be read');
    await flight.settled();
    await expect(flight.run(async () => undefined)).resolves.toBeUndefined();
  });
});

describe('Throttler', () => {
  it('runs the latest task asked for during a run once after it, and resolves its callers then', async () => {
    const throttler = new Throttler();
    const order: string[] = [];
    const gate = deferred();
    const first = throttler.queue(async () => {
      order.push('first');
      await gate.promise;
    });
    const second = throttler.queue(async () => void order.push('second'));
    const third = throttler.queue(async () => void order.push('third'));
    expect(third).toBe(second);
    let isSecondDone = false;
    void second.then(() => (isSecondDone = true));

    gate.resolve();
    await first;
    expect(isSecondDone).toBe(false);
    await second;
    expect(order).toEqual(['first', 'third']);
    expect(throttler.isBusy).toBe(false);
  });

  it('runs the next task after a run that failed', async () => {
    const throttler = new Throttler();
    const failing = throttler.queue(async () => {
      throw new Error('walk failed');
    });
    let ran = false;
    const next = throttler.queue(async () => void (ran = true));
    await expect(failing).rejects.toThrow('walk failed');
    await next;
    expect(ran).toBe(true);
  });

  it('settles once nothing runs or waits', async () => {
    const throttler = new Throttler();
    const gate = deferred();
    let runs = 0;
    void throttler.queue(() => gate.promise.then(() => void (runs += 1)));
    void throttler.queue(async () => void (runs += 1));
    const settled = throttler.settled();
    gate.resolve();
    await settled;
    expect([runs, throttler.isBusy]).toEqual([2, false]);
  });
});

describe('Sequencer', () => {
  it('runs tasks one after another in order, each caller getting its own result', async () => {
    const sequencer = new Sequencer();
    const order: string[] = [];
    const gate = deferred();
    const first = sequencer.queue(async () => {
      await gate.promise;
      order.push('first');
      return 1;
    });
    const second = sequencer.queue(async () => {
      order.push('second');
      return 2;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(order).toEqual(['first', 'second']);
  });

  it('goes on after a task that failed, and settles after the last one queued', async () => {
    const sequencer = new Sequencer();
    const failed = sequencer.queue(async () => {
      throw new Error('restart failed');
    });
    let ran = false;
    void sequencer.queue(async () => void (ran = true));
    await expect(failed).rejects.toThrow('restart failed');
    await sequencer.settled();
    expect(ran).toBe(true);
  });
});
