/**
 * A bench child: bare Node plus better-sqlite3 writing the rows a delta page makes (figure 11's
 * baseline). Per page one transaction; per change one row in a table of the inbox's columns and
 * one event row, as SiteDrop writes them, on a database opened as the agent opens its own (WAL,
 * synchronous=FULL). It looks nothing up: it is what writing the same rows costs at the least.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { RemoteChange } from '../../src/main/core/store/index.ts';
import { readChildArguments, serveParent } from '../lib/serve-parent.ts';

const options = readChildArguments<{ databaseFile: string }>();
const db = new BetterSqlite3(options.databaseFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`
  CREATE TABLE IF NOT EXISTS responses (
    id INTEGER PRIMARY KEY, mapping_id TEXT NOT NULL, remote_item_id TEXT NOT NULL, e_tag TEXT,
    c_tag TEXT, name TEXT NOT NULL, size_bytes INTEGER, quick_xor_hash TEXT, remote_path TEXT,
    remote_modified_at INTEGER, state TEXT NOT NULL, created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS responses_by_remote_item ON responses (mapping_id, remote_item_id, id);
  CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS delta_links (mapping_id TEXT PRIMARY KEY, delta_link TEXT NOT NULL) STRICT;
`);
const insertResponse = db.prepare(
  `INSERT INTO responses (mapping_id, remote_item_id, e_tag, c_tag, name, size_bytes, quick_xor_hash,
     remote_path, remote_modified_at, state, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'detected', ?, ?)`,
);
const insertEvent = db.prepare('INSERT INTO events (at, type, data) VALUES (?, ?, ?)');
const setLink = db.prepare(
  'INSERT OR REPLACE INTO delta_links (mapping_id, delta_link) VALUES (?, ?)',
);
const writePage = db.transaction((page: RemoteChange[], deltaLink: string | undefined) => {
  const now = Date.now();
  for (const change of page) {
    const { lastInsertRowid } = insertResponse.run(
      'bench',
      change.remoteItemId,
      change.eTag ?? null,
      change.cTag ?? null,
      change.name ?? change.remoteItemId,
      change.sizeBytes ?? null,
      change.quickXorHash ?? null,
      change.remotePath ?? null,
      change.remoteModifiedAt ?? null,
      now,
      now,
    );
    const data = {
      responseId: Number(lastInsertRowid),
      mappingId: 'bench',
      remoteItemId: change.remoteItemId,
      name: change.name,
      sizeBytes: change.sizeBytes,
    };
    insertEvent.run(now, 'response.detected', JSON.stringify(data));
  }
  if (deltaLink !== undefined) setLink.run('bench', deltaLink);
});

serveParent({
  apply: (args) => {
    const { pages } = args as { pages: RemoteChange[][] };
    const startedAt = performance.now();
    pages.forEach((page, index) => {
      writePage(
        page,
        index === pages.length - 1 ? 'https://graph.invalid/delta?token=last' : undefined,
      );
    });
    return {
      written: pages.reduce((sum, page) => sum + page.length, 0),
      durationMs: performance.now() - startedAt,
    };
  },
  close: () => db.close(),
});
