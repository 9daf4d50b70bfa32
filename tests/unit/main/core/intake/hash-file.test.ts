import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFile, hashSmallFileSync } from '../../../../../src/main/core/intake/hash-file.ts';
import { quickXorHash } from '../../../../../src/shared/quick-xor-hash.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';

describe('hashFile', () => {
  it.each([
    ['an empty file', 0],
    ['a file of a few bytes', 7],
    ['a file that is not a multiple of the read buffer', 3 * 1024 * 1024 + 333],
  ])('gives the SHA-256 and quickXorHash of the same bytes for %s', async (_label, sizeBytes) => {
    const content = randomBytes(sizeBytes);
    const file = path.join(makeTempDir(), 'file.bin');
    fs.writeFileSync(file, content);
    const hashes = await hashFile(file);
    expect(hashes.sizeBytes).toBe(sizeBytes);
    expect(hashes.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(hashes.quickXorHash).toBe(quickXorHash(content));
    expect(hashes.headBytes).toHaveLength(0);
  });

  it.each([
    ['hello world', 'aCgDG9jwBhDc4Q1yawMZAAAAAAA='],
    [
      Buffer.from('NbYXsp5/K6mR+NmHwExjvWeWDJFnXTKWVlzYHoesp2E=', 'base64'),
      'wjuAuWDiq04qDt1R8hHWDDcwVoQ=',
    ],
  ])('reads a file to the published quickXorHash vector (%#)', async (content, expected) => {
    const file = path.join(makeTempDir(), 'vector.bin');
    fs.writeFileSync(file, content);
    expect((await hashFile(file)).quickXorHash).toBe(expected);
  });

  it('keeps the leading bytes asked for, across read chunks', async () => {
    const content = randomBytes(1024 * 1024 + 10);
    const file = path.join(makeTempDir(), 'request.json');
    fs.writeFileSync(file, content);
    const { headBytes } = await hashFile(file, 1024 * 1024 + 5);
    expect(Buffer.from(headBytes).equals(content.subarray(0, 1024 * 1024 + 5))).toBe(true);
  });

  it('throws the file system error of a file it cannot open', async () => {
    await expect(hashFile(path.join(makeTempDir(), 'missing.pdf'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('hashSmallFileSync', () => {
  it.each([
    ['an empty file', 0, 0],
    ['a file of its expected size', 1000, 1000],
    ['a file that grew past its expected size and the smallest buffer', 40_000, 10],
  ])(
    'gives the same hashes and kept bytes as hashFile for %s',
    async (_label, sizeBytes, expected) => {
      const content = randomBytes(sizeBytes);
      const file = path.join(makeTempDir(), 'small.json');
      fs.writeFileSync(file, content);
      const hashes = hashSmallFileSync(file, 20_000, expected);
      expect(hashes).toEqual(await hashFile(file, 20_000));
      expect(hashes.sizeBytes).toBe(sizeBytes);
      expect(hashes.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    },
  );

  it('throws the file system error of a file it cannot open', () => {
    expect(() => hashSmallFileSync(path.join(makeTempDir(), 'missing.pdf'), 0, 10)).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });
});
