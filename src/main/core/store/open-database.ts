import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { migrate } from './migrations.ts';
import { CodedError } from '../../../shared/coded-error.ts';

/** The database file's name inside the data directory. */
export const databaseFileName = 'sitedrop.db';

/** What happened to a corrupt database at start. */
export interface DatabaseRecovery {
  /** Where the corrupt file was moved (the -wal and -shm files sit beside it). */
  movedTo: string;
  /** What the integrity check or SQLite said. */
  reason: string;
}

/** An opened, migrated database, and the recovery it took, if any. */
export interface OpenedDatabase {
  db: Database;
  recovery: DatabaseRecovery | undefined;
}

const corruptionCodes = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB']);

/**
 * Opens the agent's database read-write: WAL, FULL sync, foreign keys, a busy timeout, a quick
 * integrity check, and the migrations.
 *
 * synchronous=FULL: better-sqlite3 is built with WAL defaulting to NORMAL, under which a power
 * cut can roll back the most recent commits; FULL syncs the WAL on every commit, so a file
 * that was accepted stays accepted (docs/durability.md).
 *
 * A corrupt database is moved aside with a timestamp and a fresh one created: the caller then
 * rescans the folders and tells the user. It never leaves the agent in a crash loop.
 */
export function openDatabase(
  dataDir: string,
  options: { now?: Date; isRecoveryAllowed?: boolean } = {},
): OpenedDatabase {
  const { now = new Date(), isRecoveryAllowed = true } = options;
  const file = path.join(dataDir, databaseFileName);
  try {
    return { db: openAndCheck(file), recovery: undefined };
  } catch (error) {
    if (!isCorruption(error) || !isRecoveryAllowed) throw error;
    const movedTo = moveAside(file, now);
    const reason = error instanceof Error ? error.message : String(error);
    return { db: openAndCheck(file), recovery: { movedTo, reason } };
  }
}

/**
 * Opens an existing database for reading only, for `sitedrop status` while the agent runs.
 *
 * @throws CodedError with code 'database.missing' when there is no database yet.
 */
export function openDatabaseReadOnly(dataDir: string): Database {
  const file = path.join(dataDir, databaseFileName);
  if (!fs.existsSync(file)) {
    throw new CodedError(
      'database.missing',
      `No SiteDrop database in ${dataDir} yet: start the agent once with this data directory.`,
    );
  }
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

class CorruptDatabaseError extends CodedError<'SQLITE_CORRUPT'> {
  constructor(message: string) {
    super('SQLITE_CORRUPT', message);
  }
}

function openAndCheck(file: string): Database {
  // Create the file owner-only first: SQLite gives the -wal and -shm files the same mode.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  const db = new BetterSqlite3(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const result = db.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new CorruptDatabaseError(`quick_check: ${String(result)}`);
    // The check read every page: give back the memory it left SQLite holding, a large share of
    // a big database's peak at start (docs/performance.md, "Why the code is shaped so", Store).
    db.pragma('shrink_memory');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && corruptionCodes.has(code);
}

function moveAside(file: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  return target;
}
