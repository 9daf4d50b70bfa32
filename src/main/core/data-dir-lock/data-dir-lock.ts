import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Disposable } from '../lifecycle/index.ts';

/** Raised when another live agent holds the data directory. */
export class DataDirLockedError extends Error {
  readonly code = 'agent.already-running';
  readonly pid: number;

  constructor(dataDir: string, pid: number) {
    super(
      `Another SiteDrop agent (PID ${pid}) is already using ${dataDir}. ` +
        `Stop it first, or give this one its own folder with --data-dir.`,
    );
    this.pid = pid;
  }
}

/** A held lock; close() releases it. */
export interface DataDirLock extends Disposable {
  readonly file: string;
}

interface LockRecord {
  pid: number;
  hostname: string;
  acquiredAt: number;
}

/**
 * Takes the data directory for this process, or throws DataDirLockedError naming the PID.
 *
 * The lock is a file created exclusively (O_EXCL) holding the owner's PID. A lock left by a
 * process that no longer runs (a crash, a power cut) is stale and taken over. A PID reused by
 * an unrelated process after a reboot would keep the lock: the error names that PID, and
 * deleting agent.lock clears it (docs/operations.md).
 */
export function acquireDataDirLock(dataDir: string, now = Date.now()): DataDirLock {
  const file = path.join(dataDir, 'agent.lock');
  const record: LockRecord = { pid: process.pid, hostname: os.hostname(), acquiredAt: now };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      fs.writeFileSync(file, JSON.stringify(record), { flag: 'wx', mode: 0o600 });
      return createHeldLock(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readLockRecord(file);
    if (holder && holder.pid !== process.pid && isProcessAlive(holder.pid, holder.hostname)) {
      throw new DataDirLockedError(dataDir, holder.pid);
    }
    // Stale (or our own leftover): remove it and try again; O_EXCL settles any race.
    fs.rmSync(file, { force: true });
  }
  throw new Error(`Could not take the lock ${file}; another process keeps recreating it.`);
}

function createHeldLock(file: string): DataDirLock {
  let isReleased = false;
  return {
    file,
    close() {
      if (isReleased) return;
      isReleased = true;
      if (readLockRecord(file)?.pid === process.pid) fs.rmSync(file, { force: true });
    },
  };
}

function readLockRecord(file: string): LockRecord | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockRecord>;
    return typeof parsed.pid === 'number'
      ? {
          pid: parsed.pid,
          hostname: String(parsed.hostname ?? ''),
          acquiredAt: Number(parsed.acquiredAt),
        }
      : undefined;
  } catch {
    // Unreadable or half-written (its writer died mid-write): treat as stale.
    return undefined;
  }
}

function isProcessAlive(pid: number, hostname: string): boolean {
  // A lock written on another machine (a data directory on a share) cannot be probed: honour it.
  if (hostname && hostname !== os.hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
