import { describe, expect, it } from 'vitest';
import {
  exponentialBackoffMs,
  listedBackoffMs,
  withJitterMs,
} from '../../../src/shared/backoff.ts';

const lowest = () => 0;
const middle = () => 0.5;
const highest = () => 0.999_999;

describe('backoff with jitter', () => {
  it('spreads a delay evenly over ± its jitter ratio', () => {
    expect(withJitterMs(1_000, { jitterRatio: 0.2, random: lowest })).toBe(800);
    expect(withJitterMs(1_000, { jitterRatio: 0.2, random: middle })).toBe(1_000);
    expect(withJitterMs(1_000, { jitterRatio: 0.2, random: highest })).toBe(1_200);
    expect(withJitterMs(1_000, { jitterRatio: 0, random: highest })).toBe(1_000);
  });

  it('doubles an exponential backoff per attempt up to its cap', () => {
    const noJitter = { jitterRatio: 0, random: middle };
    const waits = [1, 2, 3, 4, 5, 6, 7, 100].map((attempt) =>
      exponentialBackoffMs({ firstDelayMs: 250, maxDelayMs: 10_000, attempt }, noJitter),
    );
    expect(waits).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('treats an attempt below 1 as the first', () => {
    const noJitter = { jitterRatio: 0, random: middle };
    expect(
      exponentialBackoffMs({ firstDelayMs: 60_000, maxDelayMs: 3_600_000, attempt: 0 }, noJitter),
    ).toBe(60_000);
  });

  it('jitters an exponential backoff after capping it', () => {
    const jitter = { jitterRatio: 0.1, random: lowest };
    expect(
      exponentialBackoffMs({ firstDelayMs: 60_000, maxDelayMs: 3_600_000, attempt: 20 }, jitter),
    ).toBe(3_240_000);
  });

  it('takes a listed backoff from its list, and the last entry beyond it', () => {
    const noJitter = { jitterRatio: 0, random: middle };
    const delays = [1_000, 2_000, 4_000, 8_000];
    expect([1, 2, 3, 4, 5, 9].map((attempt) => listedBackoffMs(delays, attempt, noJitter))).toEqual(
      [1_000, 2_000, 4_000, 8_000, 8_000, 8_000],
    );
    expect(listedBackoffMs([], 1, noJitter)).toBe(0);
  });
});
