import fs from 'node:fs';

/**
 * How many inotify watches a process holds (Linux): the `inotify wd:` lines of the fdinfo of
 * each of its inotify descriptors. Null where /proc is not there to read.
 */
export function countInotifyWatches(pid: number): number | null {
  const fdDirectory = `/proc/${pid}/fd`;
  let descriptors: string[];
  try {
    descriptors = fs.readdirSync(fdDirectory);
  } catch {
    // Not Linux, or the process is gone: the count is unknown, not zero.
    return null;
  }
  let watches = 0;
  for (const fd of descriptors) {
    try {
      if (fs.readlinkSync(`${fdDirectory}/${fd}`) !== 'anon_inode:inotify') continue;
      const info = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
      watches += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    } catch {
      // The descriptor closed while we looked: it holds no watches any more.
      continue;
    }
  }
  return watches;
}
