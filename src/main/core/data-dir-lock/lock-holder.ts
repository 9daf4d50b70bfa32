import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Who holds a data directory: written by the holder only so that a contender can name it. */
export interface DataDirLockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** When the holder took the lock, epoch milliseconds; undefined when the record predates it. */
  readonly startedAt: number | undefined;
}

/** The holder record's file name: the human-readable `agent.lock` that names the agent. */
export const holderFileName = 'agent.lock';

/**
 * Writes the holder record atomically (a temp file renamed into place), mode 0600.
 *
 * A contender reads either the previous record or this one, never half of one.
 */
export function writeHolderRecord(dataDir: string, holder: DataDirLockHolder): void {
  const file = path.join(dataDir, holderFileName);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, JSON.stringify(holder), { mode: 0o600 });
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Reads the holder record, or undefined when there is none or it cannot be parsed.
 *
 * Accepts the earlier formats too: JSON with `acquiredAt`, and a bare PID in plain text.
 */
export function readHolderRecord(dataDir: string): DataDirLockHolder | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, holderFileName), 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (/^\d+$/.test(text)) return { pid: Number(text), hostname: '', startedAt: undefined };
  let parsed: Partial<Record<'pid' | 'hostname' | 'startedAt' | 'acquiredAt', unknown>>;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // Only a foreign or damaged file reads as neither format; it names nobody.
    return undefined;
  }
  if (typeof parsed?.pid !== 'number') return undefined;
  const startedAt = parsed.startedAt ?? parsed.acquiredAt;
  return {
    pid: parsed.pid,
    hostname: typeof parsed.hostname === 'string' ? parsed.hostname : '',
    startedAt: typeof startedAt === 'number' ? startedAt : undefined,
  };
}

/** Removes the holder record if it still names this holder (same PID and start). */
export function removeHolderRecord(dataDir: string, holder: DataDirLockHolder): void {
  const current = readHolderRecord(dataDir);
  if (current?.pid === holder.pid && current.startedAt === holder.startedAt) {
    fs.rmSync(path.join(dataDir, holderFileName), { force: true });
  }
}

/**
 * Whether a record can name the live holder of a lock this process just failed to take.
 *
 * A record naming this very process is left over from an earlier run that had the same PID (as
 * happens in containers); one naming a process that is gone is left over from a crash. Either
 * way the real holder has not written its record yet. A record from another machine (a data
 * directory on a share) cannot be probed and is taken at its word.
 */
export function canNameLiveHolder(holder: DataDirLockHolder): boolean {
  if (holder.pid === process.pid) return false;
  if (holder.hostname && holder.hostname !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
