import type { FileVersion } from '../file-version.ts';

/** The least time a file must be missing before its item is recorded as gone. */
export const goneGraceMs = 1_000;

/**
 * The kernel stamps a file's change time (ctime) from a coarse clock (one tick: 1-10 ms on
 * Linux): a wait counted from a ctime starts this much later, so it never ends early.
 */
export const changeTimeSlackMs = 10;

/**
 * Files up to this size on a local disk are read and hashed synchronously (hashSmallFileSync),
 * halfway through their stability window (see ReadAhead).
 */
export const smallFileBytes = 64 * 1024;

/**
 * How long a file waits before another look when it could not be taken (another program holds
 * it, or the delivery of its previous version is under way), and how long a missing file's grace
 * period lasts: a window, and at least goneGraceMs (a save by rename briefly removes the file).
 */
export function retryDelayMs(stabilityWindowMs: number): number {
  return Math.max(stabilityWindowMs, goneGraceMs);
}

/** What heldStillMs needs to know besides the file. */
export interface HeldStillContext {
  /** Wall-clock epoch ms now. */
  nowMs: number;
  stabilityWindowMs: number;
  /** Whether file system calls may take long (a network share: its clock is the server's). */
  isStatSlow: boolean;
}

/**
 * How long a file seen now has held still already: since its change time (every write sets it,
 * and so does a move into the folder), when intake sees it later than that, as the events of a
 * burst wait their turn: counted from when intake sees it, the last files of a burst would wait
 * their turn and then a whole window more (docs/performance.md, "Why the code is shaped so",
 * Intake). Whole milliseconds, and at most half the window: intake watches every file itself for
 * at least half of it. None when the change time is unknown (scans) or cannot be trusted: on a
 * network share (its clock is the server's), before the mtime, or in whole seconds (FAT and some
 * network file systems stamp times in 1-2 s steps).
 */
export function heldStillMs(version: FileVersion, context: HeldStillContext): number {
  const { changedAtMs } = version;
  if (changedAtMs === undefined || context.isStatSlow) return 0;
  if (changedAtMs < version.mtimeMs || changedAtMs % 1000 === 0) return 0;
  const heldMs = Math.floor(context.nowMs - changedAtMs - changeTimeSlackMs);
  return Math.min(Math.max(0, heldMs), Math.floor(context.stabilityWindowMs / 2));
}
