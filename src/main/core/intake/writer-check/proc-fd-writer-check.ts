import fs from 'node:fs';
import type { Clock, TimerHandle } from '../../lifecycle/index.ts';
import {
  deletedSuffix,
  listOpenFiles,
  listOpenFilesAsync,
  type OpenFileLinks,
} from './proc-fd-listing.ts';
import type { FileIdentity, OpenWriter, WriterCheck } from './writer-check.ts';

/** What a ProcFdWriterCheck needs. */
export interface ProcFdWriterCheckOptions {
  clock: Clock;
  /** Where proc(5) is mounted (default `/proc`). */
  procRoot?: string;
  /** The longest one listing of every process's open files answers for (default 2.5 s). */
  snapshotMaxAgeMs?: number;
  /**
   * How long a listing asked for while another runs waits to start, gathering the requests of
   * the files that come due meanwhile (default 100 ms).
   */
  gatherDelayMs?: number;
}

/**
 * One listing of every readable process's open files: the `/proc/<pid>/fd/<n>` links, by the
 * last name in the path each points to.
 */
interface Snapshot {
  takenAtMs: number;
  linksByName: OpenFileLinks;
}

/** `flags:` in `/proc/<pid>/fdinfo/<fd>`: the file's open flags, in octal (proc(5)). */
const flagsLine = /^flags:\s*([0-7]+)$/m;
/** open(2): the access mode bits of the flags, and the two that allow writing. */
const accessModeMask = 0o3;
const writeOnly = 0o1;
const readWrite = 0o2;

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
 * that age of one another. Intake asks for the listing halfway through a file's window
 * (`prepare`), and it is taken then in the background (asynchronous reads on libuv's thread
 * pool), so a file's window ends with a look-up instead of a wait; only a file whose window ends before a background listing
 * served it pays for a listing taken on the spot. What a listing misses is a program that opened the file after it and has written
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
  readonly #gatherDelayMs: number;
  #snapshot: Snapshot | undefined;
  /** When the listing being taken in the background started, if one is. */
  #listingStartedAtMs: number | undefined;
  /** The latest `unchangedSinceMs` a background listing must start after, not yet served. */
  #wantedSinceMs: number | undefined;
  #gatherTimer: TimerHandle | undefined;
  #isClosed = false;
  #onIdle: (() => void)[] = [];

  constructor(options: ProcFdWriterCheckOptions) {
    this.#clock = options.clock;
    this.#procRoot = options.procRoot ?? '/proc';
    this.#snapshotMaxAgeMs = options.snapshotMaxAgeMs ?? 2_500;
    this.#gatherDelayMs = options.gatherDelayMs ?? 100;
  }

  /**
   * Takes a listing in the background (asynchronous readdir and readlink) that starts after `unchangedSinceMs`, unless one did or will. One runs at a time; the
   * files that come due while it runs share the next, started `gatherDelayMs` after it ends.
   * Intake calls this halfway through a file's window, so the window's end finds the listing
   * taken and does not wait for one.
   */
  prepare(unchangedSinceMs: number): void {
    if (this.#isClosed) return;
    const snapshot = this.#snapshot;
    if (snapshot !== undefined && snapshot.takenAtMs >= unchangedSinceMs) return;
    if (this.#listingStartedAtMs !== undefined && this.#listingStartedAtMs >= unchangedSinceMs) {
      return;
    }
    this.#wantedSinceMs = Math.max(this.#wantedSinceMs ?? unchangedSinceMs, unchangedSinceMs);
    if (this.#listingStartedAtMs === undefined && this.#gatherTimer === undefined) {
      this.#startListing();
    }
  }

  close(): void {
    this.#isClosed = true;
    this.#gatherTimer?.close();
    this.#gatherTimer = undefined;
    this.#settleIdle();
  }

  /** Resolves once no background listing runs or waits to start (for tests and shutdown). */
  whenIdle(): Promise<void> {
    if (this.#listingStartedAtMs === undefined && this.#gatherTimer === undefined) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#onIdle.push(resolve));
  }

  #settleIdle(): void {
    const waiting = this.#onIdle;
    this.#onIdle = [];
    for (const resolve of waiting) resolve();
  }

  #startListing(): void {
    const startedAtMs = this.#clock.monotonicNow();
    this.#listingStartedAtMs = startedAtMs;
    this.#wantedSinceMs = undefined;
    void listOpenFilesAsync(this.#procRoot, () => this.#isClosed).then((linksByName) => {
      this.#listingStartedAtMs = undefined;
      if (this.#isClosed) {
        this.#settleIdle();
        return;
      }
      if (this.#snapshot === undefined || this.#snapshot.takenAtMs < startedAtMs) {
        this.#snapshot = { takenAtMs: startedAtMs, linksByName };
      }
      if (this.#wantedSinceMs === undefined) {
        this.#settleIdle();
        return;
      }
      this.#gatherTimer = this.#clock.setTimeout(() => {
        this.#gatherTimer = undefined;
        if (!this.#isClosed && this.#wantedSinceMs !== undefined) this.#startListing();
        else this.#settleIdle();
      }, this.#gatherDelayMs);
    });
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
    this.#snapshot = { takenAtMs: nowMs, linksByName: listOpenFiles(this.#procRoot) };
    return this.#snapshot;
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
