/**
 * A bench child: the floor for intake. `fs.watch` on the folder plus better-sqlite3 INSERTs with
 * the same journal mode and `synchronous` as the agent's store (WAL, FULL), timestamped with
 * crossProcessNowMs() after COMMIT. Mode `per-event` commits one row per watcher event (figure
 * 1); `per-tick` commits every row seen in one event-loop tick together (figure 2).
 */
import path from 'node:path';
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { crossProcessNowMs } from '../lib/cross-process-clock.ts';
import { notifyParent, readChildArguments, readMemory, serveParent } from '../lib/serve-parent.ts';

/** What the driver passes to the baseline intake. */
export interface BaselineIntakeArguments {
  folder: string;
  databaseFile: string;
  mode: 'per-event' | 'per-tick';
}

const options = readChildArguments<BaselineIntakeArguments>();
fs.mkdirSync(path.dirname(options.databaseFile), { recursive: true });
const db = new BetterSqlite3(options.databaseFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, queued_at REAL NOT NULL) STRICT');
const insert = db.prepare('INSERT OR IGNORE INTO files (path, queued_at) VALUES (?, ?)');
const insertAll = db.transaction((paths: string[], at: number) => {
  const inserted: string[] = [];
  for (const name of paths) if (insert.run(name, at).changes === 1) inserted.push(name);
  return inserted;
});

let batch: { path: string; atMs: number }[] = [];
let pending = new Set<string>();
let isFlushScheduled = false;
const record = (names: string[]) => {
  const inserted = insertAll(names, Date.now());
  const atMs = crossProcessNowMs();
  for (const name of inserted) batch.push({ path: name, atMs });
};
const watcher = fs.watch(options.folder, (_event, name) => {
  if (!name) return;
  if (options.mode === 'per-event') {
    record([name]);
    return;
  }
  pending.add(name);
  if (isFlushScheduled) return;
  isFlushScheduled = true;
  setImmediate(() => {
    isFlushScheduled = false;
    const names = [...pending];
    pending = new Set();
    record(names);
  });
});
const flushTimer = setInterval(() => {
  if (batch.length === 0) return;
  notifyParent('events', batch);
  batch = [];
}, 50);

serveParent({
  flushEvents: () => {
    if (batch.length > 0) notifyParent('events', batch);
    batch = [];
  },
  stats: () => ({
    itemCount: (db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n,
  }),
  memory: () => readMemory(),
  close: () => {
    clearInterval(flushTimer);
    watcher.close();
    db.close();
  },
});
