/**
 * A bench child: the floor for watching a tree (figure 8). One non-recursive `fs.watch` per
 * directory, nothing per file, then it reports its memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readChildArguments, readMemory, serveParent } from '../lib/serve-parent.ts';

const options = readChildArguments<{ folder: string }>();
const watchers: fs.FSWatcher[] = [];
const started = performance.now();
const directories = [options.folder];
for (let index = 0; index < directories.length; index += 1) {
  const directory = directories[index] ?? options.folder;
  watchers.push(fs.watch(directory, () => undefined));
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) directories.push(path.join(directory, entry.name));
  }
}
const readyMs = performance.now() - started;

serveParent({
  ready: () => ({ readyMs, directoryCount: directories.length }),
  memory: () => readMemory(),
  close: () => {
    for (const watcher of watchers) watcher.close();
  },
});
