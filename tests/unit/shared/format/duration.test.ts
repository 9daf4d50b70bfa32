import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../../src/shared/format/duration.ts';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [100, '0.1 s'],
    [1_500, '1.5 s'],
    [2_000, '2 s'],
    [90_000, '1 min 30 s'],
    [300_000, '5 min'],
    [3_600_000, '1 h'],
    [5_400_000, '1 h 30 min'],
    [86_400_000, '1 day'],
    [604_800_000, '7 days'],
    [90_061_500, '1 day 1 h 1 min 1.5 s'],
  ])('writes %d ms as %s', (durationMs, expected) => {
    expect(formatDuration(durationMs)).toBe(expected);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90 s', 90_000],
    ['90s', 90_000],
    ['1.5 h', 5_400_000],
    ['1 min 30 s', 90_000],
    ['1h30m', 5_400_000],
    ['1 min, 30 s', 90_000],
    ['250 ms', 250],
    ['7 days', 604_800_000],
    ['2 weeks', 1_209_600_000],
    ['0.5 SECONDS', 500],
    ['  5 Min  ', 300_000],
    ['1.0004 s', 1_000],
  ])('reads %s as %d ms', (text, expected) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['90', 'no-unit'],
    ['1.5', 'no-unit'],
    ['ten seconds', 'unreadable'],
    ['5 fortnights', 'unreadable'],
    ['-5 s', 'unreadable'],
    ['5 s later', 'unreadable'],
    ['s', 'unreadable'],
  ])('refuses %j (%s)', (text, fault) => {
    expect(parseDuration(text)).toEqual({ ok: false, fault });
  });

  it.each([0, 1, 100, 999, 1_000, 1_001, 59_999, 90_000, 3_599_999, 86_400_001, 7_776_000_000])(
    'reads back what it writes for %d ms',
    (durationMs) => {
      expect(parseDuration(formatDuration(durationMs))).toEqual({ ok: true, value: durationMs });
    },
  );

  it.each(['90 s', '1.5 min', '3600 s', '2 d 3 h', '0.25 s'])(
    'writes %s in one normal form, which reads as the same duration',
    (text) => {
      const first = parseDuration(text);
      if (!first.ok) throw new Error(`${text} did not read`);
      const written = formatDuration(first.value);
      expect(parseDuration(written)).toEqual(first);
      expect(formatDuration(first.value)).toBe(written);
    },
  );
});
