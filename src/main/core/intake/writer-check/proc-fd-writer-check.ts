import fs from 'node:fs';
import type { Clock } from '../../lifecycle/index.ts';
import type { FileIdentity, OpenWriter, WriterCheck } from './writer-check.ts';

/** What a ProcFdWriterCheck needs. */
export interface ProcFdWriterCheckOptions {
  clock: Clock;
  /** Where proc(5) is mounted (default `/proc`). */
  procRoot?: string;
  /** The longest one listing of every process's open files answers for (default 1 s). */
  snapshotMaxAgeMs?: number;
}

/**
 * One listing of every readable process's open files: the `/proc/<pid>/fd/<n>` links, by the
 * last name in the path each points to.
 */
interface Snapshot {
  takenAtMs: number;
  linksByName: Map<string, string[]>;
}

/** `flags:` in `/proc/<pid>/fdinfo/<fd>`: the file's open flags, in octal (proc(5)). */
const flagsLine = /^flags:\s*([0-7]+)$/m;
/** open(2): the access mode bits of the flags, and the two that allow writing. */
const accessModeMask = 0o3;
const writeOnly = 0o1;
const readWrite = 0o2;
/** What readlink(2) of an fd link adds to a file that was unlinked while open (proc(5)). */
const deletedSuffix = ' (deleted)';

/**
 * Linux: a file is still being written while any process holds it open for writing. proc(5)
 * lists each process's open files as links in `/proc/<pid>/fd/`, and each one's open flags in
 * `/proc/<pid>/fdinfo/<fd>` (`flags:`, octal; the access mode `O_WRONLY` or `O_RDWR` means it
 * may write). This is what lsof(8) and fuser(1) read too.
 *
 * Cost: the work is listing every process's fd links (one readdir per process, one readlink
 * per fd), and one listing serves many files. The program that last wrote a file had it open
 * when it wrote; if it still has it open, it had it open all along (unless it closed and opened
 * it again), so a listing taken after the file last changed shows it. The fd found is looked at
 * again when asked (a writer that closed it since holds nothing). So one listing answers for
 * every file unchanged since before it was taken, for up to `snapshotMaxAgeMs`: the files of a
 * burst, whose windows end together, share one, and so do single files that come due within
 * that age of one another. What a listing misses is a program that opened the file after it and has written
 * nothing yet; once that program writes, the file's window starts again.
 *
 * readlink of an fd link never touches the file's own file system (the kernel names the open
 * file from its dentry), so a hung network mount held by some other program cannot block it.
 * Only links whose last name equals the checked file's are looked at further: a stat(2) through
 * the link, whose device and inode must be the file's (the same file under another mount or
 * namespace path, or renamed since it was opened, still matches), then its `fdinfo` flags.
 *
 * Not seen: processes whose `/proc/<pid>/fd` this process may not read (other users' programs,
 * unless running as root: ptrace access mode, proc(5)), programs in other PID namespaces
 * (containers), writes through a memory mapping whose fd was closed, and the file held under
 * another hard link's name.
 */
export class ProcFdWriterCheck implements WriterCheck {
  readonly mechanism = 'proc-fd';
  readonly #clock: Clock;
  readonly #procRoot: string;
  readonly #snapshotMaxAgeMs: number;
  #snapshot: Snapshot | undefined;

  constructor(options: ProcFdWriterCheckOptions) {
    this.#clock = options.clock;
    this.#procRoot = options.procRoot ?? '/proc';
    this.#snapshotMaxAgeMs = options.snapshotMaxAgeMs ?? 1_000;
  }

  findWriter(
    absolutePath: string,
    identity: FileIdentity,
    unchangedSinceMs: number,
  ): OpenWriter | undefined {
    const name = absolutePath.slice(absolutePath.lastIndexOf('/') + 1);
    const links = this.#snapshotSince(unchangedSinceMs).linksByName.get(name);
    if (!links) return undefined;
    for (const link of links) {
      const writer = this.#writerBehind(link, identity);
      if (writer) return writer;
    }
    return undefined;
  }

  /** A listing taken at or after `sinceMs` and not older than the longest it answers for. */
  #snapshotSince(sinceMs: number): Snapshot {
    const nowMs = this.#clock.monotonicNow();
    const snapshot = this.#snapshot;
    const isFresh =
      snapshot !== undefined &&
      snapshot.takenAtMs >= sinceMs &&
      nowMs - snapshot.takenAtMs <= this.#snapshotMaxAgeMs;
    if (isFresh) return snapshot;
    this.#snapshot = { takenAtMs: nowMs, linksByName: this.#listOpenFiles() };
    return this.#snapshot;
  }

  /** Every readable process's fd links that point to a file, by the file's last name. */
  #listOpenFiles(): Map<string, string[]> {
    const linksByName = new Map<string, string[]>();
    let processIds: string[];
    try {
      processIds = fs.readdirSync(this.#procRoot);
    } catch {
      return linksByName;
    }
    for (const processId of processIds) {
      const first = processId.charCodeAt(0);
      if (first < 0x30 || first > 0x39) continue;
      const fdDirectory = `${this.#procRoot}/${processId}/fd`;
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
        // Sockets, pipes and anonymous inodes read as `socket:[…]`, `pipe:[…]`, `anon_inode:…`.
        if (target.charCodeAt(0) !== 0x2f || target.endsWith(deletedSuffix)) continue;
        const name = target.slice(target.lastIndexOf('/') + 1);
        const sameName = linksByName.get(name);
        if (sameName) sameName.push(link);
        else linksByName.set(name, [link]);
      }
    }
    return linksByName;
  }

  /** The process behind an fd link, if the link is the file now and is open for writing. */
  #writerBehind(link: string, identity: FileIdentity): OpenWriter | undefined {
    try {
      const target = fs.statSync(link);
      if (target.dev !== identity.dev || target.ino !== identity.ino) return undefined;
      const fdInfo = fs.readFileSync(link.replace('/fd/', '/fdinfo/'), 'latin1');
      const flags = flagsLine.exec(fdInfo)?.[1];
      if (flags === undefined || !isWriteMode(Number.parseInt(flags, 8))) return undefined;
    } catch {
      // The fd was closed, or its process exited, since the listing: it holds nothing now.
      return undefined;
    }
    const pid = Number(link.slice(this.#procRoot.length + 1, link.indexOf('/fd/')));
    return { pid, command: readCommand(`${this.#procRoot}/${pid}`) };
  }
}

/** Whether open(2) flags allow writing: access mode `O_WRONLY` or `O_RDWR`. */
export function isWriteMode(flags: number): boolean {
  const accessMode = flags & accessModeMask;
  return accessMode === writeOnly || accessMode === readWrite;
}

/**
 * A process's program name: the last name of its executable (`/proc/<pid>/exe`), else its
 * command name (`/proc/<pid>/comm`, which a program may set to a thread's name), if still readable.
 */
function readCommand(processDirectory: string): string | undefined {
  try {
    const executable = fs.readlinkSync(`${processDirectory}/exe`);
    const name = executable.slice(executable.lastIndexOf('/') + 1);
    return name.endsWith(deletedSuffix) ? name.slice(0, -deletedSuffix.length) : name;
  } catch {
    // Kernel threads have no executable; a process may also have exited meanwhile.
  }
  try {
    return fs.readFileSync(`${processDirectory}/comm`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
