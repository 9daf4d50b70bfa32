import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DirectoryWatcher } from '../../../../../src/main/core/intake/directory-watcher.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';
import { waitFor } from '../../../../helpers/wait-for.ts';

/** A watcher on a temp tree, collecting the names it hands on. */
async function startWatcher(isTreeWatch: boolean) {
  const root = makeTempDir();
  fs.mkdirSync(path.join(root, 'site', 'week'), { recursive: true });
  fs.mkdirSync(path.join(root, '_quarantine'));
  const seen = new Set<string>();
  const watcher = new DirectoryWatcher({
    root,
    isRecursive: true,
    isTreeWatch,
    isIgnoredDirectory: (relativePath) => relativePath === '_quarantine',
    onPaths: (relativePaths) => relativePaths.forEach((relativePath) => seen.add(relativePath)),
    onDirectory: () => undefined,
    onError: (error) => {
      throw error;
    },
  });
  onTestFinished(() => watcher.close());
  await watcher.start();
  return { root, seen, watcher };
}

describe.each([
  ['one watch per folder (Linux)', false],
  ['one watch for the tree (macOS, Windows)', true],
])('DirectoryWatcher, %s', (_label, isTreeWatch) => {
  it('hands on the names that change at any depth and knows the folders of the tree', async () => {
    const { root, seen, watcher } = await startWatcher(isTreeWatch);
    expect(['', 'site', 'site/week'].every((folder) => watcher.isDirectory(folder))).toBe(true);
    expect(watcher.isDirectory('_quarantine')).toBe(false);

    fs.writeFileSync(path.join(root, 'site', 'week', 'a.pdf'), 'a');
    await waitFor(() => seen.has('site/week/a.pdf'), { description: 'the deep file' });

    // A folder made later: its own name comes first; once taken in, its files are heard.
    fs.mkdirSync(path.join(root, 'site', 'new'));
    await waitFor(() => seen.has('site/new'), { description: 'the new folder' });
    await watcher.addDirectory('site/new');
    expect(watcher.isDirectory('site/new')).toBe(true);
    fs.writeFileSync(path.join(root, 'site', 'new', 'b.pdf'), 'b');
    await waitFor(() => seen.has('site/new/b.pdf'), { description: 'the file in the new folder' });

    fs.rmSync(path.join(root, 'site'), { recursive: true });
    await waitFor(() => seen.has('site'), { description: 'the removed folder' });
    watcher.removeDirectory('site');
    expect(['site', 'site/week', 'site/new'].some((folder) => watcher.isDirectory(folder))).toBe(
      false,
    );
    expect(watcher.isDirectory('')).toBe(true);
  });
});
