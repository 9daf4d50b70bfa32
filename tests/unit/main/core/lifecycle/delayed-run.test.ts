import { describe, expect, it } from 'vitest';
import { DelayedRun } from '../../../../../src/main/core/lifecycle/index.ts';
import { TestClock } from '../../../../helpers/test-clock.ts';

describe('DelayedRun', () => {
  it('runs once, its delay after the first ask, however often it is asked meanwhile', () => {
    const clock = new TestClock();
    let runs = 0;
    const run = new DelayedRun(clock, 250, () => (runs += 1));
    run.schedule();
    clock.advance(200);
    run.schedule();
    run.schedule();
    expect(run.isScheduled).toBe(true);
    clock.advance(49);
    expect(runs).toBe(0);
    // The later asks did not push the run back: it runs 250 ms after the first.
    clock.advance(1);
    expect(runs).toBe(1);
    expect(run.isScheduled).toBe(false);
  });

  it('schedules the next run when asked after one ran, including from inside the task', () => {
    const clock = new TestClock();
    let runs = 0;
    const run: DelayedRun = new DelayedRun(clock, 100, () => {
      runs += 1;
      if (runs === 1) run.schedule();
    });
    run.schedule();
    clock.advance(100);
    clock.advance(100);
    expect(runs).toBe(2);
  });

  it('cancels a pending run when closed and refuses later asks', () => {
    const clock = new TestClock();
    let runs = 0;
    const run = new DelayedRun(clock, 100, () => (runs += 1));
    run.schedule();
    run.close();
    run.schedule();
    clock.advance(1_000);
    expect(runs).toBe(0);
    expect(run.isScheduled).toBe(false);
  });
});
