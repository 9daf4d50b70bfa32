import os from 'node:os';
import type { DataDirLockHolder } from './lock-holder.ts';
import { CodedError } from '../../../shared/coded-error.ts';

/**
 * Raised when another agent holds the data directory.
 *
 * The message names the holder (PID, start time, and host when it is another machine) as its
 * record says, and the two ways forward. `holder` is undefined when the holder has not named
 * itself.
 */
export class DataDirLockedError extends CodedError<'agent.already-running'> {
  readonly holder: DataDirLockHolder | undefined;

  constructor(dataDir: string, holder: DataDirLockHolder | undefined, now = Date.now()) {
    const who = holder ? ` (${describeHolder(holder, now)})` : '';
    super(
      'agent.already-running',
      `Another SiteDrop agent${who} is already using ${dataDir}. ` +
        `Stop it first, or use --data-dir for a second agent.`,
    );
    this.holder = holder;
  }

  /** The holder's PID, or undefined when the holder has not named itself. */
  get pid(): number | undefined {
    return this.holder?.pid;
  }
}

function describeHolder(holder: DataDirLockHolder, now: number): string {
  const parts = [`PID ${holder.pid}`];
  if (holder.hostname && holder.hostname !== os.hostname()) parts[0] += ` on ${holder.hostname}`;
  if (holder.startedAt !== undefined) parts.push(`started ${formatStart(holder.startedAt, now)}`);
  return parts.join(', ');
}

/** Local wall-clock time, with the date when it is not today: "20:41", "2026-12-06 20:41". */
function formatStart(startedAt: number, now: number): string {
  const start = new Date(startedAt);
  const two = (value: number) => String(value).padStart(2, '0');
  const time = `${two(start.getHours())}:${two(start.getMinutes())}`;
  if (start.toDateString() === new Date(now).toDateString()) return time;
  return `${start.getFullYear()}-${two(start.getMonth() + 1)}-${two(start.getDate())} ${time}`;
}
