import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { QuickXorHash, quickXorHash } from '../../../src/shared/quick-xor-hash.ts';

// Known vectors: input (base64) → quickXorHash (base64). Taken from rclone's test suite,
// backend/onedrive/quickxorhash/quickxorhash_test.go (github.com/rclone/rclone), which were
// checked there against OneDrive for Business. "hello world" is from the quickxorhash PyPI
// package's README (Cython wrapper of flowerysong/quickxorhash).
const knownVectors: ReadonlyArray<readonly [input: string, hash: string]> = [
  ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  ['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
  ['tbQ=', 'taAFAAAAAAAAAAAAAgAAAAAAAAA='],
  ['0pZP', '0rDEEwAAAAAAAAAAAwAAAAAAAAA='],
  ['jRRDVA==', 'jaDAEKgAAAAAAAAABAAAAAAAAAA='],
  ['qaApEj66lw==', 'qQBFCiTgA11cAgAABwAAAAAAAAA='],
  ['/aNzzCFPS/A=', '/RjFHJgRgicsAR4ACAAAAAAAAAA='],
  ['vPgoDjOfO6fm71RxLw==', 'vMAHChwwg0/s4BTmdQcV4vACAAA='],
  ['2fuxhBJXtpWFe8dOfdGeHw==', 'O9tHLAghgSvYohKFyMMxnNCHaHg='],
  ['T6LYJIfDh81JrAK309H2JMJTXis=', 'zBTHrspn3mEcohlJdIUAbjGNaNg='],
  ['NbYXsp5/K6mR+NmHwExjvWeWDJFnXTKWVlzYHoesp2E=', 'wjuAuWDiq04qDt1R8hHWDDcwVoQ='],
  [
    'Mb7EGva2rEE5fENDL85P+BsapHEEjv2/siVhKjvAQe02feExVOQSkfmuYzU/kTF1MaKjPmKF/w+cbvwfdWL8aQ==',
    'n1anP5NfvD4XDYWIeRPW3ZkPv1Y=',
  ],
  [
    'jyibxJSzO6ZiZ0O1qe3tG/bvIAYssvukh9suIT5wEy1JBINVgPiqdsTW0cOpP0aUfP7mgqLfADkzI/m/GgCuVhr8' +
      'oFLrOCoTx1/psBOWwhltCbhUx51Icm9aH8tY4Z3ccU+6BKpYQkLCy0B/A9Zc',
    'hZfLIilSITC6N3e3tQ/iSgEzkto=',
  ],
  [
    'PfxMcUd0vIW6VbHG/uj/Y0W6qEoKmyBD0nYebEKazKaKG+UaDqBEcmQjbfQeVnVLuodMoPp7P7TR1htX5n2VnkHh' +
      '22xDyoJ8C/ZQKiSNqQfXvh83judf4RVr9exJCud8Uvgip6aVZTaPrJHVjQhMCp/dEnGvqg0oN5OVkM2qqAXvA0te' +
      'KUDhgNM71sDBVBCGXxNOR2bpbD1iM4dnuT0ey4L+loXEHTL0fqMeUcEi2asgImnlNakwenDzz0x57aBwyq3AspCF' +
      'GB1ncX4yYCr/OaCcS5OKi/00WH+wNQU3',
    'QX/YEpG0gDsmhEpCdWhsxDzsfVE=',
  ],
  [
    'qwGf2ESubE5jOUHHyc94ORczFYYbc2OmEzo+hBIyzJiNwAzC8PvJqtTzwkWkSslgHFGWQZR2BV5+uYTrYT7HVwRM' +
      '40vqfj0dBgeDENyTenIOL1LHkjtDKoXEnQ0mXAHoJ8PjbNC93zi5TovVRXTNzfGEs5dpWVqxUzb5lc7dwkyvOluB' +
      'w482mQ4xrzYyIY1t+//OrNi1ObGXuUw2jBQOFfJVj2Y6BOyYmfB1y36eBxi3zxeG5d5NYjm2GSh6e08QMAwu3zrI' +
      'NcqIzLOuNIiGXBtl7DjKt7b5wqi4oFiRpZsCyx2smhSrdrtK/CkdU6nDN+34vSR/M8rZpWQdBE7a8g==',
    'WYT9JY3JIo/pEBp+tIM6Gt2nyTM=',
  ],
];

/**
 * A deliberately naive implementation, bit by bit, straight from Microsoft's description, used
 * as an independent oracle for inputs longer than the published vectors.
 */
function naiveQuickXorHash(bytes: Uint8Array): string {
  const block = new Uint8Array(20);
  for (let index = 0; index < bytes.length; index++) {
    const value = bytes[index] ?? 0;
    for (let bit = 0; bit < 8; bit++) {
      if ((value >> bit) & 1) {
        const target = (index * 11 + bit) % 160;
        block[target >> 3] = (block[target >> 3] ?? 0) ^ (1 << (target & 7));
      }
    }
  }
  let length = BigInt(bytes.length);
  for (let index = 12; index < 20; index++) {
    block[index] = (block[index] ?? 0) ^ Number(length & 0xffn);
    length >>= 8n;
  }
  return Buffer.from(block).toString('base64');
}

describe('quickXorHash', () => {
  it('reports the empty input as twenty zero bytes', () => {
    expect(quickXorHash(new Uint8Array(0))).toBe('AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  });

  it.each(knownVectors)('matches the published hash of %s', (input, expected) => {
    expect(quickXorHash(Buffer.from(input, 'base64'))).toBe(expected);
  });

  it('matches the hash of "hello world" given by an independent C implementation', () => {
    expect(quickXorHash(Buffer.from('hello world'))).toBe('aCgDG9jwBhDc4Q1yawMZAAAAAAA=');
  });

  it('agrees with a bit-by-bit reference on random inputs of many lengths', () => {
    for (const length of [1, 3, 159, 160, 161, 319, 320, 641, 4096 + 7, 100_003]) {
      const bytes = randomBytes(length);
      expect(quickXorHash(bytes), `length ${length}`).toBe(naiveQuickXorHash(bytes));
    }
  });

  it('gives the same hash when the input arrives in chunks split at arbitrary points', () => {
    const bytes = randomBytes(50_000);
    const expected = quickXorHash(bytes);
    for (let trial = 0; trial < 20; trial++) {
      const hash = new QuickXorHash();
      let offset = 0;
      while (offset < bytes.length) {
        const size = Math.floor(Math.random() * (trial < 10 ? 10 : 5000));
        hash.update(bytes.subarray(offset, offset + size));
        offset += size;
      }
      expect(hash.digest()).toBe(expected);
      expect(hash.lengthBytes).toBe(bytes.length);
    }
  });

  it('handles chunks that start at unaligned memory offsets', () => {
    const backing = randomBytes(10_000);
    for (let start = 0; start < 8; start++) {
      const view = new Uint8Array(backing.buffer, backing.byteOffset + start, 5_000);
      expect(quickXorHash(view)).toBe(naiveQuickXorHash(view));
    }
  });

  it('can be read while running and then continued', () => {
    const bytes = randomBytes(1000);
    const hash = new QuickXorHash().update(bytes.subarray(0, 400));
    expect(hash.digest()).toBe(quickXorHash(bytes.subarray(0, 400)));
    hash.update(bytes.subarray(400));
    expect(hash.digest()).toBe(quickXorHash(bytes));
  });

  it('keeps a clone independent of the original', () => {
    const bytes = randomBytes(700);
    const original = new QuickXorHash().update(bytes.subarray(0, 300));
    const copy = original.clone().update(bytes.subarray(300));
    expect(copy.digest()).toBe(quickXorHash(bytes));
    expect(original.digest()).toBe(quickXorHash(bytes.subarray(0, 300)));
  });
});
