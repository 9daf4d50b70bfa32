/** A program found holding a file open for writing, as far as the OS names it. */
export interface OpenWriter {
  /** Its process id; undefined where the OS does not say who holds the file (Windows). */
  pid: number | undefined;
  /** Its program's name (on Linux, its executable's); undefined where unknown. */
  command: string | undefined;
}

/** The file as lstat saw it at the end of its quiet window: the device and inode it lives on. */
export interface FileIdentity {
  dev: number;
  ino: number;
}

/**
 * The operating system's own evidence that a file is still being written: a program holds it
 * open for writing. A quiet window alone takes a file too early when its writer pauses longer
 * than the window (rate-limited downloads, scanners, document converters, slow copies).
 *
 * Intake asks only for a file whose window just ended, synchronously, right before it reads it.
 * The answer is evidence at one instant: a program that opens the file afterwards is not seen
 * (its first write starts a new window anyway).
 */
export interface WriterCheck {
  /** How this check finds writers, for the log and docs/intake.md. */
  readonly mechanism: 'proc-fd' | 'exclusive-open' | 'none';
  /**
   * A program that holds the file open for writing now, or undefined when none is seen (or the
   * OS gives no evidence either way). Never throws.
   *
   * `unchangedSinceMs`: since when (the clock's monotonic time) the file has had the size and
   * mtime it has now; its last writer had it open then. A check may answer from what it saw of
   * all open files since that time (ProcFdWriterCheck).
   */
  findWriter(
    absolutePath: string,
    identity: FileIdentity,
    unchangedSinceMs: number,
  ): OpenWriter | undefined;
  /**
   * A file unchanged since `unchangedSinceMs` will be asked about when its window ends: a check
   * that can gather its evidence beforehand, off the event loop, starts doing so, so that the
   * window's end costs no more than a look-up. Optional; never throws.
   */
  prepare?(unchangedSinceMs: number): void;
  /** Stops any gathering in progress or scheduled. Idempotent. */
  close?(): void;
}

/** A check that never sees a writer: the quiet window alone decides (macOS, other systems). */
export const noWriterCheck: WriterCheck = {
  mechanism: 'none',
  findWriter: () => undefined,
};
