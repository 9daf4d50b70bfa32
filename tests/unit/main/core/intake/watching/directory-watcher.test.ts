import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DirectoryWatcher } from '../../../../../../src/main/core/intake/watching/directory-watcher.ts';
import { makeTempDir } from '../../../../../helpers/temp-dir.ts';
import { waitFor } from '../../../../../helpers/wait-for.ts';

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

describe('DirectoryWatcher, a folder made anew under a known name', () => {
  it('is told from a change inside the known folder by its inode, and watched anew', async () => {
    const { root, seen, watcher } = await startWatcher(false);
    const inode = fs.statSync(path.join(root, 'site')).ino;
    expect(watcher.isKnownDirectory('site', inode)).toBe(true);

    // Removed and made again before anyone looked: the old watch went with the old folder.
    fs.rmSync(path.join(root, 'site'), { recursive: true });
    fs.mkdirSync(path.join(root, 'site'));
    const newInode = fs.statSync(path.join(root, 'site')).ino;
    // ext4 may give the new folder the old one's inode: the removed folder's own event is what
    // makes the watcher forget it.
    await waitFor(() => seen.has('site') && !watcher.isDirectory('site/week'), {
      description: 'the old folder forgotten',
    });
    await watcher.addDirectory('site');
    expect(watcher.isKnownDirectory('site', newInode)).toBe(true);
    fs.writeFileSync(path.join(root, 'site', 'c.pdf'), 'c');
    await waitFor(() => seen.has('site/c.pdf'), { description: 'the file in the new folder' });
  });
});
