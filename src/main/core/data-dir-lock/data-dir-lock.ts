import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { toDisposable, type Disposable } from '../lifecycle/index.ts';
import { DataDirLockedError } from './data-dir-locked-error.ts';
import {
  canNameLiveHolder,
  readHolderRecord,
  removeHolderRecord,
  writeHolderRecord,
  type DataDirLockHolder,
} from './lock-holder.ts';

/** The lock database's file name in the data directory. It stays empty; only its lock matters. */
export const lockFileName = 'agent.lock.db';

/** How long a contender waits for the holder to name itself, or for a closing holder to go. */
const holderWaitMs = 1000;
const retryPauseMs = 20;

/**
 * Locks held by this process, by the data directory's real path, with their connections.
 *
 * POSIX record locks belong to the process, and closing any descriptor of the file drops them
 * all (fcntl(2), "Advisory record locking"). A second attempt from this process is therefore
 * answered from here, without opening the lock database again. Holding the connection here also
 * keeps the lock when a caller drops the DataDirLock: a collected connection closes, and its
 * lock with it.
 */
const heldInThisProcess = new Map<string, { holder: DataDirLockHolder; database: Database }>();

/** A held lock; close() releases it. Idempotent. */
export interface DataDirLock extends Disposable {
  /** The lock database. */
  readonly file: string;
  /** What this process recorded in `agent.lock` to name itself. */
  readonly holder: DataDirLockHolder;
}

/** Whether a data directory is held now, and by whom when the holder has named itself. */
export interface DataDirLockState {
  readonly isHeld: boolean;
  readonly holder: DataDirLockHolder | undefined;
}

/**
 * Takes the data directory for this process, or throws DataDirLockedError naming the holder.
 *
 * The lock is SQLite's exclusive lock on DATA_DIR/agent.lock.db, held by an open transaction
 * until close(). SQLite takes it with fcntl() record locks on Unix and LockFileEx on Windows,
 * which the operating system drops when the process ends however it ends
 * (https://www.sqlite.org/lockingv3.html): a killed agent's lock is free at once, even while
 * its PID lingers as a zombie or is reused after a reboot. Once the lock is held, the agent's
 * PID, host and `now` (epoch milliseconds) are written to DATA_DIR/agent.lock, whatever it held
 * before, only so that a contender can name it.
 *
 * A contender fails at once (no busy wait) unless the holder has not named itself yet, or is
 * closing; then it tries again for up to a second.
 *
 * @throws DataDirLockedError when another agent, or this process, already holds the directory.
 */
export function acquireDataDirLock(dataDir: string, now = Date.now()): DataDirLock {
  const realDataDir = fs.realpathSync(dataDir);
  const heldHere = heldInThisProcess.get(realDataDir);
  if (heldHere) throw new DataDirLockedError(dataDir, heldHere.holder, now);

  const lockFile = path.join(realDataDir, lockFileName);
  // Real time, not the agent's Clock: this waits on another process, not on a timer of ours.
  const deadline = performance.now() + holderWaitMs;
  for (;;) {
    const database = tryTakeLock(lockFile);
    if (database) return holdLock(realDataDir, lockFile, database, now);
    const record = readHolderRecord(realDataDir);
    const holder = record && canNameLiveHolder(record) ? record : undefined;
    if (holder || performance.now() >= deadline) {
      throw new DataDirLockedError(dataDir, holder, now);
    }
    pauseSync(retryPauseMs);
  }
}

/**
 * Tells whether another process (or this one) holds a data directory, without taking it.
 *
 * For `sitedrop status`: the lock decides whether an agent runs; the record only names it.
 */
export function inspectDataDirLock(dataDir: string): DataDirLockState {
  let realDataDir: string;
  try {
    realDataDir = fs.realpathSync(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return notHeld;
    throw error;
  }
  const heldHere = heldInThisProcess.get(realDataDir);
  if (heldHere) return { isHeld: true, holder: heldHere.holder };
  const lockFile = path.join(realDataDir, lockFileName);
  if (!fs.existsSync(lockFile)) return notHeld;
  const database = new BetterSqlite3(lockFile, { readonly: true, fileMustExist: true, timeout: 0 });
  try {
    // Reading needs a shared lock, which the holder's exclusive lock refuses.
    database.prepare('SELECT count(*) FROM sqlite_master').get();
    return notHeld;
  } catch (error) {
    if (!isBusy(error)) throw error;
    const record = readHolderRecord(realDataDir);
    return { isHeld: true, holder: record && canNameLiveHolder(record) ? record : undefined };
  } finally {
    database.close();
  }
}

const notHeld: DataDirLockState = { isHeld: false, holder: undefined };

/** Opens the lock database and takes its exclusive lock, or returns undefined when it is held. */
function tryTakeLock(lockFile: string): Database | undefined {
  let database: Database;
  try {
    // Owner-only like everything else in the data directory; SQLite would create it 0644. No
    // lock of this process is on the file yet, so opening and closing it here drops none.
    fs.closeSync(fs.openSync(lockFile, 'a', 0o600));
    if (process.platform !== 'win32') fs.chmodSync(lockFile, 0o600);
    // timeout 0: a contender is refused at once instead of waiting on SQLite's busy handler.
    database = new BetterSqlite3(lockFile, { timeout: 0 });
  } catch (error) {
    throw lockError(lockFile, error);
  }
  try {
    // Nothing is ever written, so no journal file is needed beside the lock database.
    database.pragma('journal_mode = MEMORY');
    database.exec('BEGIN EXCLUSIVE');
    return database;
  } catch (error) {
    database.close();
    if (isBusy(error)) return undefined;
    throw lockError(lockFile, error);
  }
}

function holdLock(dataDir: string, lockFile: string, database: Database, now: number): DataDirLock {
  const holder: DataDirLockHolder = { pid: process.pid, hostname: os.hostname(), startedAt: now };
  try {
    writeHolderRecord(dataDir, holder);
  } catch (error) {
    database.close();
    throw error;
  }
  heldInThisProcess.set(dataDir, { holder, database });
  return {
    file: lockFile,
    holder,
    ...toDisposable(() => {
      try {
        // The record goes first: once the lock is free, the next holder's record must stay.
        removeHolderRecord(dataDir, holder);
      } finally {
        heldInThisProcess.delete(dataDir);
        database.close();
      }
    }),
  };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED');
}

function lockError(lockFile: string, cause: unknown): Error {
  return new Error(
    `Cannot open the lock ${lockFile}: ${(cause as Error).message}. ` +
      `Check that this user can write to the data directory.`,
    { cause },
  );
}

/** Blocks the thread: acquiring is synchronous and runs once, before the agent serves anything. */
function pauseSync(durationMs: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, durationMs);
}
