import type { Database } from 'better-sqlite3';
import { CodedError } from '../../../shared/coded-error.ts';
import { itemStates } from '../../../shared/item-state.ts';
import { responseSkipReasons, responseStates } from '../../../shared/response-state.ts';

/** One forward-only schema step. `up` runs inside a transaction with the version bump. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

const stateList = itemStates.map((state) => `'${state}'`).join(', ');
const responseStateList = responseStates.map((state) => `'${state}'`).join(', ');
const skipReasonList = responseSkipReasons.map((reason) => `'${reason}'`).join(', ');

/**
 * Every schema version, oldest first. Never edit a released migration: add the next one.
 * tests/unit/main/core/store/migrations.test.ts migrates from every earlier version.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'items, outbox, event log, attempts',
    up(db) {
      db.exec(`
        CREATE TABLE items (
          id INTEGER PRIMARY KEY,
          folder_id TEXT NOT NULL,
          relative_path TEXT NOT NULL,
          size_bytes INTEGER NOT NULL,
          mtime_ms INTEGER NOT NULL,
          sha256 TEXT,
          quick_xor_hash TEXT,
          request_json TEXT,
          target_path TEXT,
          state TEXT NOT NULL CHECK (state IN (${stateList})),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER,
          last_error_code TEXT,
          last_error_message TEXT,
          remote_id TEXT,
          remote_url TEXT,
          remote_quick_xor_hash TEXT,
          upload_session_url TEXT,
          upload_session_expires_at INTEGER,
          upload_next_offset INTEGER,
          duplicate_of_item_id INTEGER REFERENCES items(id),
          first_queued_at INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX items_by_state ON items (state, next_attempt_at);
        CREATE INDEX items_by_folder_path ON items (folder_id, relative_path, id);
        CREATE INDEX items_delivered_by_hash ON items (sha256, target_path)
          WHERE state = 'delivered';

        CREATE TABLE outbox (
          item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
          available_at INTEGER NOT NULL,
          claimed_by TEXT,
          claimed_at INTEGER
        ) STRICT;
        CREATE INDEX outbox_unclaimed ON outbox (available_at, item_id) WHERE claimed_by IS NULL;

        CREATE TABLE events (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL,
          type TEXT NOT NULL,
          item_id INTEGER,
          data TEXT NOT NULL
        ) STRICT;
        CREATE INDEX events_by_item ON events (item_id, seq) WHERE item_id IS NOT NULL;

        CREATE TABLE attempts (
          id INTEGER PRIMARY KEY,
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          started_at INTEGER NOT NULL,
          ended_at INTEGER,
          outcome TEXT,
          http_status INTEGER,
          error_code TEXT,
          error_message TEXT
        ) STRICT;
        CREATE INDEX attempts_by_item ON attempts (item_id, id);

        CREATE TABLE meta (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 2,
    name: 'the library of each item, so duplicate content is looked for per library',
    up(db) {
      // Items recorded before keep a null library: they are never taken as a duplicate, so
      // after the upgrade such a file is uploaded again rather than wrongly skipped.
      db.exec(`
        ALTER TABLE items ADD COLUMN library TEXT;
        DROP INDEX items_delivered_by_hash;
        CREATE INDEX items_delivered_by_content ON items (sha256, target_path, library)
          WHERE state = 'delivered';
      `);
    },
  },
  {
    version: 3,
    name: 'the folder in the state index, so counts per folder and state read the index alone',
    up(db) {
      // Every snapshot of the feed counts items per folder and state. Without the folder in an
      // index, that looks up every row, a large share of the dashboard's first paint with many
      // items (docs/performance.md, "Why the code is shaped so", Store). With it the count reads
      // this index alone, though still through a sort (migration 4 takes next_attempt_at out).
      db.exec(`
        DROP INDEX items_by_state;
        CREATE INDEX items_by_state ON items (state, next_attempt_at, folder_id);
      `);
    },
  },
  {
    version: 4,
    name: 'the state index by state and folder alone, so counts per folder and state need no sort',
    up(db) {
      // No query ranges over items.next_attempt_at (deliveries are claimed from the outbox), so the
      // column only stood between state and folder: grouping by both still built a temporary
      // B-tree, most of a feed snapshot's count (docs/performance.md, "Why the code is shaped so",
      // Store). Ordered by (state, folder_id) the count is one scan of this index, and a folder's
      // paths in given states are found by seeking it.
      db.exec(`
        DROP INDEX items_by_state;
        CREATE INDEX items_by_state ON items (state, folder_id);
      `);
    },
  },
  {
    version: 5,
    name: 'a verification note on each item, for a delivery verified by its size alone',
    up(db) {
      // SharePoint may give no quickXorHash for a file (resources/hashes.md: "in some cases hash
      // values may not be available"); such a delivery says so in this note.
      db.exec(`ALTER TABLE items ADD COLUMN verification_note TEXT;`);
    },
  },
  {
    version: 6,
    name: 'the responses inbox and the delta link of each responses mapping',
    up(db) {
      // One row per remote file version (a remote item id at one content version), written before
      // anything is downloaded (docs/responses.md). Graph's delta gives no path, so rows are found
      // by remote item id (https://learn.microsoft.com/graph/api/driveitem-delta). The delta link
      // is opaque: stored as the service gave it, never parsed.
      db.exec(`
        CREATE TABLE responses (
          id INTEGER PRIMARY KEY,
          mapping_id TEXT NOT NULL,
          remote_item_id TEXT NOT NULL,
          e_tag TEXT,
          c_tag TEXT,
          name TEXT NOT NULL,
          size_bytes INTEGER,
          quick_xor_hash TEXT,
          remote_path TEXT,
          remote_modified_at INTEGER,
          state TEXT NOT NULL CHECK (state IN (${responseStateList})),
          skip_reason TEXT CHECK (skip_reason IN (${skipReasonList})),
          local_path TEXT,
          download_offset INTEGER NOT NULL DEFAULT 0,
          error_code TEXT,
          error_message TEXT,
          request_id TEXT,
          verification_note TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX responses_by_remote_item ON responses (mapping_id, remote_item_id, id);
        CREATE INDEX responses_by_state ON responses (state, id);

        CREATE TABLE response_delta_links (
          mapping_id TEXT PRIMARY KEY,
          delta_link TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 7,
    name: "an index of the response events by response, for a response's history",
    up(db) {
      // A response's page lists its events; without this the lookup reads every event logged
      // (json_extract over each row's data). Partial: only response events carry a responseId.
      db.exec(`
        CREATE INDEX events_by_response ON events (json_extract(data, '$.responseId'), seq)
          WHERE type LIKE 'response.%';
      `);
    },
  },
];

/** The schema version this build writes. */
export const latestSchemaVersion = migrations.at(-1)?.version ?? 0;

/** Raised when the database was written by a newer SiteDrop than this one. */
export class SchemaTooNewError extends CodedError<'database.schema-too-new'> {
  constructor(message: string) {
    super('database.schema-too-new', message);
  }
}

/**
 * Brings a database to `targetVersion` (default: the latest), one transaction per step.
 *
 * @returns the versions applied, oldest first.
 */
export function migrate(db: Database, targetVersion = latestSchemaVersion): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latestSchemaVersion) {
    throw new SchemaTooNewError(
      `The database uses schema version ${current}, but this SiteDrop knows versions up to ` +
        `${latestSchemaVersion}. Install the newer SiteDrop that wrote it, or start with another --data-dir.`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > targetVersion) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}
