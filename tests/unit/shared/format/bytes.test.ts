import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../../src/shared/format/bytes.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1_000, '1 kB'],
    [1_234, '1.2 kB'],
    [327_680, '327.7 kB'],
    [999_949, '999.9 kB'],
    [999_950, '1 MB'],
    [1_000_000, '1 MB'],
    [28_600_000, '28.6 MB'],
    [30_000_000, '30 MB'],
    [250_000_000, '250 MB'],
    [1_234_567_890, '1.2 GB'],
    [5_000_000_000_000, '5 TB'],
  ])('prints %d bytes as %s in decimal units', (sizeBytes, expected) => {
    expect(formatBytes(sizeBytes, 'en-US')).toBe(expected);
  });

  it('writes the number as the reader’s locale does', () => {
    expect(formatBytes(28_600_000, 'de-DE')).toBe('28,6 MB');
  });
});
