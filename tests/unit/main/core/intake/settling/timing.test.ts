import { describe, expect, it } from 'vitest';
import {
  heldStillMs,
  retryDelayMs,
} from '../../../../../../src/main/core/intake/settling/timing.ts';

const local = { nowMs: 100_500, stabilityWindowMs: 2_000, isStatSlow: false };

describe('heldStillMs', () => {
  it.each([
    ['whole ms since the change time, less one clock tick', 100_200.5, 100_000, local, 289],
    ['at most half the window', 90_000.5, 80_000, local, 1_000],
    ['none when the change time is unknown (a scan)', undefined, 100_000, local, 0],
    ['none on a network share', 100_200.5, 100_000, { ...local, isStatSlow: true }, 0],
    ['none for a change time before the mtime', 99_000.5, 100_000, local, 0],
    ['none for a change time in whole seconds', 100_000, 99_000, local, 0],
    ['none for a change time in the future', 100_600.5, 100_000, local, 0],
  ])('%s', (_, changedAtMs, mtimeMs, context, expected) => {
    expect(heldStillMs({ sizeBytes: 1, mtimeMs, changedAtMs }, context)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  it('waits a window, and at least a second', () => {
    expect([retryDelayMs(200), retryDelayMs(5_000)]).toEqual([1_000, 5_000]);
  });
});
