import type { Database, Statement } from 'better-sqlite3';
import { matchesItemSearch } from '../../../shared/item-search.ts';
import { itemStates, type ItemState } from '../../../shared/item-state.ts';
import { itemFromRow, type Item, type ItemRow, type PathVersion } from './item.ts';

/** Filters for paging through items, newest first. */
export interface ItemFilter {
  states?: readonly ItemState[];
  folderId?: string;
  /** Matched against the path and the request metadata (e.g. a request id), by `matchesItemSearch`. */
  search?: string;
  /** Only items with an id below this (the page cursor). */
  beforeId?: number;
  limit: number;
}

/**
 * The reads of `items` that look for items by something else than their id: by path, by content,
 * by state, and pages and counts of them. Nothing here writes.
 */
export class ItemQueries {
  readonly #db: Database;
  readonly #statements;

  constructor(db: Database) {
    this.#db = db;
    this.#statements = prepareQueryStatements(db);
  }

  /** The ids of every failed item, oldest first. */
  listFailedItemIds(): number[] {
    return (this.#statements.failedIds.all() as { id: number }[]).map((row) => row.id);
  }

  /** The newest item recorded for a file in a folder. */
  findLatestItemForPath(folderId: string, relativePath: string): Item | undefined {
    const { forPath, latestForPath } = this.#statements;
    const row = newestOf(forPath, latestForPath, [folderId, relativePath]) as ItemRow | undefined;
    return row ? itemFromRow(row) : undefined;
  }

  /**
   * A delivered item with the same content, target path and library, for duplicate detection.
   * The same path in another library is another file; items without a library (recorded
   * before schema version 2) never match.
   */
  findDeliveredDuplicate(sha256: string, targetPath: string, library: string): Item | undefined {
    const { deliveredDuplicates, deliveredDuplicate } = this.#statements;
    const row = newestOf(deliveredDuplicates, deliveredDuplicate, [sha256, targetPath, library]) as
      ItemRow | undefined;
    return row ? itemFromRow(row) : undefined;
  }

  /** How many items are in each state (every state present, zeros included). */
  countsByState(): Record<ItemState, number> {
    return countItemsByState(this.#db);
  }

  /** A page of items, newest first. */
  listItems(filter: ItemFilter): Item[] {
    return listItemRows(this.#db, filter).map(itemFromRow);
  }

  /**
   * The relative paths of a folder's items in the given states, one at a time from the statement
   * (no rows or items are built): intake's scans compare them with what is on disk, and many
   * waiting items loaded as whole rows would cost memory per item (docs/performance.md, "Why the
   * code is shaped so", Store).
   *
   * @param directory when given, only the paths directly in this folder of the watched folder
   *   ('' for the watched folder itself), not in its subfolders.
   */
  iteratePathsInStates(
    folderId: string,
    states: readonly ItemState[],
    directory?: string,
  ): IterableIterator<string> {
    const statement =
      directory === undefined
        ? this.#statements.pathsInStates
        : this.#statements.pathsInStatesInDirectory;
    return statement
      .pluck()
      .iterate(...pathsInStatesParameters(folderId, states, directory)) as IterableIterator<string>;
  }

  /** How many of a folder's items are in the given states (`directory` as for iteratePathsInStates). */
  countPathsInStates(folderId: string, states: readonly ItemState[], directory?: string): number {
    const statement =
      directory === undefined
        ? this.#statements.countInStates
        : this.#statements.countInStatesInDirectory;
    return statement.pluck().get(...pathsInStatesParameters(folderId, states, directory)) as number;
  }

  /**
   * Which version of a path the store's latest item stands for, reading only the fields that
   * decide it (a scan looks up every file it lists: no whole row, no Item).
   */
  findLatestVersion(folderId: string, relativePath: string): PathVersion | undefined {
    const { versionsForPath, latestVersionForPath } = this.#statements;
    const row = newestOf(versionsForPath, latestVersionForPath, [folderId, relativePath]) as
      [number, number, number, ItemState] | undefined;
    if (!row) return undefined;
    const [itemId, sizeBytes, mtimeMs, state] = row;
    return { itemId, relativePath, sizeBytes, mtimeMs, state };
  }

  /** How many items each folder has in each state (folders without items are absent). */
  countsByFolderAndState(): Map<string, Record<ItemState, number>> {
    const result = new Map<string, Record<ItemState, number>>();
    const rows = this.#statements.countsByFolder.all() as {
      folder_id: string;
      state: ItemState;
      n: number;
    }[];
    for (const row of rows) {
      let counts = result.get(row.folder_id);
      if (!counts) {
        counts = Object.fromEntries(itemStates.map((state) => [state, 0])) as Record<
          ItemState,
          number
        >;
        result.set(row.folder_id, counts);
      }
      counts[row.state] = row.n;
    }
    return result;
  }
}

/**
 * The newest row (highest id) a lookup matches. SQLite 3.54 (in better-sqlite3 13) prepares a
 * statement with `column = ?` and ORDER BY anew on every run, several times the cost of the same
 * lookup unordered, and intake makes such lookups for every file (docs/performance.md, "Why the
 * code is shaped so", Store). So `unordered` (the same WHERE, `LIMIT 2`) answers the usual case,
 * none or one match; only two or more run `ordered` (ORDER BY id DESC LIMIT 1).
 */
function newestOf(unordered: Statement, ordered: Statement, parameters: unknown[]): unknown {
  const rows = unordered.all(...parameters);
  return rows.length < 2 ? rows[0] : ordered.get(...parameters);
}

/**
 * Items of a folder directly in one directory of it, in some states: a range on
 * items_by_folder_path ('0' follows '/'; U+10FFFF sorts after every text), then no further '/'
 * after the directory's prefix. Parameters: pathsInStatesParameters.
 */
const inDirectoryAndStates = `folder_id = @folderId AND relative_path >= @from AND relative_path < @to
  AND instr(substr(relative_path, length(@from) + 1), '/') = 0
  AND state IN (SELECT value FROM json_each(@states))`;

function pathsInStatesParameters(
  folderId: string,
  states: readonly ItemState[],
  directory: string | undefined,
): unknown[] {
  const statesJson = JSON.stringify(states);
  if (directory === undefined) return [folderId, statesJson];
  const [from, to] = directory ? [`${directory}/`, `${directory}0`] : ['', '\u{10FFFF}'];
  return [{ folderId, from, to, states: statesJson }];
}

function prepareQueryStatements(db: Database) {
  return {
    pathsInStates: db.prepare(
      'SELECT relative_path FROM items WHERE folder_id = ? AND state IN (SELECT value FROM json_each(?))',
    ),
    failedIds: db.prepare("SELECT id FROM items WHERE state = 'failed' ORDER BY id"),
    countInStates: db.prepare(
      'SELECT count(*) FROM items WHERE folder_id = ? AND state IN (SELECT value FROM json_each(?))',
    ),
    pathsInStatesInDirectory: db.prepare(
      `SELECT relative_path FROM items WHERE ${inDirectoryAndStates}`,
    ),
    countInStatesInDirectory: db.prepare(
      `SELECT count(*) FROM items WHERE ${inDirectoryAndStates}`,
    ),
    // Each "newest" lookup comes twice, see newestOf: up to two rows unordered, and the newest.
    versionsForPath: db
      .prepare(
        `SELECT id, size_bytes, mtime_ms, state FROM items WHERE folder_id = ? AND relative_path = ?
         LIMIT 2`,
      )
      .raw(),
    latestVersionForPath: db
      .prepare(
        `SELECT id, size_bytes, mtime_ms, state FROM items WHERE folder_id = ? AND relative_path = ?
         ORDER BY id DESC LIMIT 1`,
      )
      .raw(),
    forPath: db.prepare('SELECT * FROM items WHERE folder_id = ? AND relative_path = ? LIMIT 2'),
    latestForPath: db.prepare(
      'SELECT * FROM items WHERE folder_id = ? AND relative_path = ? ORDER BY id DESC LIMIT 1',
    ),
    deliveredDuplicates: db.prepare(
      `SELECT * FROM items WHERE state = 'delivered' AND sha256 = ? AND target_path = ?
         AND library = ? LIMIT 2`,
    ),
    deliveredDuplicate: db.prepare(
      `SELECT * FROM items WHERE state = 'delivered' AND sha256 = ? AND target_path = ?
         AND library = ?
       ORDER BY id DESC LIMIT 1`,
    ),
    // Grouped as items_by_state is ordered (migration 4): one scan of that index, no sort.
    countsByFolder: db.prepare(
      'SELECT folder_id, state, count(*) AS n FROM items GROUP BY state, folder_id',
    ),
  };
}

/** Counts items by state on any connection (the agent's, or a read-only one for `status`). */
export function countItemsByState(db: Database): Record<ItemState, number> {
  const counts = Object.fromEntries(itemStates.map((state) => [state, 0])) as Record<
    ItemState,
    number
  >;
  const rows = db.prepare('SELECT state, count(*) AS n FROM items GROUP BY state').all() as {
    state: ItemState;
    n: number;
  }[];
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

/** The SQL function that applies the shared search rule to a row. */
const searchFunctionName = 'sitedrop_matches_search';
const connectionsWithSearch = new WeakSet<Database>();

/**
 * Defines the search function on a connection, once: SQL's LIKE would be a second rule (ASCII-only
 * case, and over the request's JSON text, keys and punctuation included), so the rows are matched
 * by the same function as the page's live filter. The request is parsed only when the path did
 * not match already.
 */
function defineSearchFunction(db: Database): void {
  if (connectionsWithSearch.has(db)) return;
  db.function(
    searchFunctionName,
    { deterministic: true },
    (path: unknown, requestJson: unknown, search: unknown): number => {
      const text = String(search);
      const byPath = matchesItemSearch({ path: String(path), request: null }, text);
      if (byPath || typeof requestJson !== 'string') return byPath ? 1 : 0;
      const request = JSON.parse(requestJson) as Record<string, unknown> | null;
      return matchesItemSearch({ path: '', request }, text) ? 1 : 0;
    },
  );
  connectionsWithSearch.add(db);
}

/** Lists item rows, newest first, on any connection. */
export function listItemRows(db: Database, filter: ItemFilter): ItemRow[] {
  const conditions: string[] = [];
  const parameters: Record<string, unknown> = { limit: filter.limit };
  if (filter.states && filter.states.length > 0) {
    conditions.push('state IN (SELECT value FROM json_each(@states))');
    parameters.states = JSON.stringify(filter.states);
  }
  if (filter.folderId !== undefined) {
    conditions.push('folder_id = @folderId');
    parameters.folderId = filter.folderId;
  }
  if (filter.search) {
    defineSearchFunction(db);
    conditions.push(`${searchFunctionName}(relative_path, request_json, @search)`);
    parameters.search = filter.search;
  }
  if (filter.beforeId !== undefined) {
    conditions.push('id < @beforeId');
    parameters.beforeId = filter.beforeId;
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return db
    .prepare(`SELECT * FROM items ${where} ORDER BY id DESC LIMIT @limit`)
    .all(parameters) as ItemRow[];
}
