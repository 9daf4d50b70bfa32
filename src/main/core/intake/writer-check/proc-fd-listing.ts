import fs from 'node:fs';

/** Every readable process's fd links that point to a file, by the file's last name. */
export type OpenFileLinks = Map<string, string[]>;

/** What readlink(2) of an fd link adds to a file that was unlinked while open (proc(5)). */
export const deletedSuffix = ' (deleted)';

/**
 * Lists every readable process's open files under `procRoot`: one readdir per process and one
 * readlink per fd, synchronously: only when a look-up finds no listing recent enough.
 */
export function listOpenFiles(procRoot: string): OpenFileLinks {
  const linksByName: OpenFileLinks = new Map();
  let processIds: string[];
  try {
    processIds = fs.readdirSync(procRoot);
  } catch {
    return linksByName;
  }
  for (const processId of processIds) {
    if (!isProcessId(processId)) continue;
    const fdDirectory = `${procRoot}/${processId}/fd`;
    let fds: string[];
    try {
      fds = fs.readdirSync(fdDirectory);
    } catch {
      // EACCES: another user's process; ENOENT: it exited since /proc was listed.
      continue;
    }
    for (const fd of fds) {
      const link = `${fdDirectory}/${fd}`;
      let target: string;
      try {
        target = fs.readlinkSync(link);
      } catch {
        continue;
      }
      addLink(linksByName, link, target);
    }
  }
  return linksByName;
}

/**
 * The same listing read with asynchronous readdir and readlink on libuv's thread pool, taken
 * ahead of need (ProcFdWriterCheck.prepare). Never rejects.
 */
export async function listOpenFilesAsync(
  procRoot: string,
  isCancelled: () => boolean,
): Promise<OpenFileLinks> {
  const linksByName: OpenFileLinks = new Map();
  let processIds: string[];
  try {
    processIds = await fs.promises.readdir(procRoot);
  } catch {
    return linksByName;
  }
  for (const processId of processIds) {
    if (isCancelled()) break;
    if (!isProcessId(processId)) continue;
    const fdDirectory = `${procRoot}/${processId}/fd`;
    let fds: string[];
    try {
      fds = await fs.promises.readdir(fdDirectory);
    } catch {
      continue;
    }
    const targets = await Promise.all(
      fds.map((fd) => fs.promises.readlink(`${fdDirectory}/${fd}`).catch(() => undefined)),
    );
    targets.forEach((target, index) => {
      if (target !== undefined) addLink(linksByName, `${fdDirectory}/${fds[index]}`, target);
    });
  }
  return linksByName;
}

/** /proc's per-process directories are named by their decimal process id. */
function isProcessId(name: string): boolean {
  const first = name.charCodeAt(0);
  return first >= 0x30 && first <= 0x39;
}

/** Files an fd link by its target's last name; sockets, pipes and deleted files are passed over. */
function addLink(linksByName: OpenFileLinks, link: string, target: string): void {
  // Sockets, pipes and anonymous inodes read as `socket:[…]`, `pipe:[…]`, `anon_inode:…`.
  if (target.charCodeAt(0) !== 0x2f || target.endsWith(deletedSuffix)) return;
  const name = target.slice(target.lastIndexOf('/') + 1);
  const sameName = linksByName.get(name);
  if (sameName) sameName.push(link);
  else linksByName.set(name, [link]);
}
