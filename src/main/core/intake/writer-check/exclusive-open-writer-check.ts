import fs from 'node:fs';
import type { OpenWriter, WriterCheck } from './writer-check.ts';

/** What an ExclusiveOpenWriterCheck needs. */
export interface ExclusiveOpenWriterCheckOptions {
  /** `fs.constants.UV_FS_O_EXLOCK` (defined by Node on Windows only). */
  exclusiveLockFlag: number;
  /** Opens a file with numeric flags (default fs.openSync); a seam for tests off Windows. */
  openFile?: (absolutePath: string, flags: number) => number;
  /** Closes what openFile opened (default fs.closeSync). */
  closeFile?: (fd: number) => void;
}

/**
 * Error codes of an exclusive open that mean another handle is open: libuv maps Windows'
 * ERROR_SHARING_VIOLATION to EBUSY and ERROR_ACCESS_DENIED (also a file being deleted) to EPERM;
 * EACCES is kept with them, as intake treats a read that fails with it.
 */
const heldCodes = new Set(['EBUSY', 'EPERM', 'EACCES']);

/**
 * Whether an exclusive open that failed with this error code means another program holds the
 * file. A missing file or any other failure is no evidence: reading the file finds out.
 */
export function isHeldByOpenFailure(code: string | undefined): boolean {
  return code !== undefined && heldCodes.has(code);
}

/**
 * Windows: the file is opened for reading with no sharing at all (libuv's `UV_FS_O_EXLOCK`
 * makes CreateFileW's share mode 0, libuv docs "File system operations", `uv_fs_open`), which
 * Windows refuses while any other handle to the file is open (Microsoft, "Creating and Opening
 * Files": sharing mode). Then closed at once.
 *
 * What it sees: every program with the file open, whatever it does with it. Windows does not
 * tell an exclusive open why it failed, so a viewer that keeps a file open (some PDF readers)
 * holds it back like a writer, until it is closed, as OneDrive and other sync clients wait for
 * files "in use". Programs that open, write and close in steps (some copy tools) are not seen
 * between two steps. For the few microseconds of the open, another program's open of the same
 * file fails with a sharing violation, as it does while an antivirus scanner reads it.
 */
export class ExclusiveOpenWriterCheck implements WriterCheck {
  readonly mechanism = 'exclusive-open';
  readonly #flags: number;
  readonly #openFile: (absolutePath: string, flags: number) => number;
  readonly #closeFile: (fd: number) => void;

  constructor(options: ExclusiveOpenWriterCheckOptions) {
    this.#flags = fs.constants.O_RDONLY | options.exclusiveLockFlag;
    this.#openFile =
      options.openFile ?? ((absolutePath, flags) => fs.openSync(absolutePath, flags));
    this.#closeFile = options.closeFile ?? ((fd) => fs.closeSync(fd));
  }

  findWriter(absolutePath: string): OpenWriter | undefined {
    let fd: number;
    try {
      fd = this.#openFile(absolutePath, this.#flags);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return isHeldByOpenFailure(code) ? { pid: undefined, command: undefined } : undefined;
    }
    try {
      this.#closeFile(fd);
    } catch {
      // Nothing to do: the handle was only opened to see whether Windows allows it.
    }
    return undefined;
  }
}
