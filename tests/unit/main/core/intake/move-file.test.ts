import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { moveToFreeName } from '../../../../../src/main/core/intake/move-file.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';

describe('moveToFreeName', () => {
  it('moves a file into a new folder, and the next of the same name beside it, never over it', async () => {
    const root = makeTempDir();
    const target = path.join(root, 'Sent', '2026-11-21');
    const moved: string[] = [];
    for (const content of ['one', 'two', 'three']) {
      fs.writeFileSync(path.join(root, 'report.pdf'), content);
      moved.push(await moveToFreeName(path.join(root, 'report.pdf'), target, 'report.pdf'));
    }
    expect(moved.map((file) => path.basename(file))).toEqual([
      'report.pdf',
      'report (2).pdf',
      'report (3).pdf',
    ]);
    expect(moved.map((file) => fs.readFileSync(file, 'utf8'))).toEqual(['one', 'two', 'three']);
  });

  it('numbers a name without an extension at its end', async () => {
    const root = makeTempDir();
    for (const name of ['README', 'README']) {
      fs.writeFileSync(path.join(root, name), name);
      await moveToFreeName(path.join(root, name), path.join(root, 'out'), name);
    }
    expect(fs.readdirSync(path.join(root, 'out')).sort()).toEqual(['README', 'README (2)']);
  });
});
