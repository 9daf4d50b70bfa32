import { describe, expect, it } from 'vitest';
import { formatSize, parseSize } from '../../../../src/shared/format/size.ts';

describe('formatSize', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1_000, '1 kB'],
    [1_024, '1 KiB'],
    [1_536, '1.5 KiB'],
    [65_536, '64 KiB'],
    [327_680, '320 KiB'],
    [4_194_304, '4 MiB'],
    [10_485_760, '10 MiB'],
    [62_586_880, '61,120 KiB'],
    [250_000_000, '250 MB'],
    [2_147_483_648, '2 GiB'],
    [1_234_567, '1,234,567 bytes'],
  ])('writes %d bytes as %s, exactly', (sizeBytes, expected) => {
    expect(formatSize(sizeBytes)).toBe(expected);
  });
});

describe('parseSize', () => {
  it.each([
    ['10 MiB', 10_485_760],
    ['10MiB', 10_485_760],
    ['500 KB', 500_000],
    ['500 kb', 500_000],
    ['320 KiB', 327_680],
    ['1.5 GiB', 1_610_612_736],
    ['250 MB', 250_000_000],
    ['327680 bytes', 327_680],
    ['1,234,567 bytes', 1_234_567],
    ['1 byte', 1],
    ['4 M', 4_000_000],
    ['4 Mi', 4_194_304],
  ])('reads %s as %d bytes', (text, expected) => {
    expect(parseSize(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['10485760', 'no-unit'],
    ['ten MiB', 'unreadable'],
    ['10 MiBs', 'unreadable'],
    ['10 parsecs', 'unreadable'],
    ['-1 KiB', 'unreadable'],
    ['1,23 MB', 'unreadable'],
  ])('refuses %j (%s)', (text, fault) => {
    expect(parseSize(text)).toEqual({ ok: false, fault });
  });

  it.each([0, 1, 999, 1_000, 1_023, 1_024, 327_680, 62_586_880, 250_000_000, 2_147_483_648])(
    'reads back what it writes for %d bytes',
    (sizeBytes) => {
      expect(parseSize(formatSize(sizeBytes))).toEqual({ ok: true, value: sizeBytes });
    },
  );
});
