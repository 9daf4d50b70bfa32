import type { Database, Statement } from 'better-sqlite3';
import type { ItemState } from '../../../shared/item-state.ts';
import { StoreInvariantError } from './errors.ts';
import {
  itemColumns,
  itemFromRow,
  toColumnValue,
  type Item,
  type ItemChanges,
  type ItemRow,
  type NewItem,
} from './item.ts';

/**
 * The rows of `items` by id: insert, read, and update of chosen fields. No rule of the item
 * lifecycle lives here (items.ts has them); each write is one statement, prepared once.
 */
export class ItemRows {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #get: Statement;
  readonly #getState: Statement;
  /** One UPDATE per set of changed fields, prepared on its first use. */
  readonly #updates = new Map<string, Statement>();

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare(`
      INSERT INTO items (folder_id, relative_path, size_bytes, mtime_ms, sha256, quick_xor_hash,
        request_json, target_path, library, state, first_queued_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#get = db.prepare('SELECT * FROM items WHERE id = ?');
    this.#getState = db.prepare('SELECT state FROM items WHERE id = ?').pluck();
  }

  /**
   * Inserts the row of a new item in `state`, its times all `now`; returns its id.
   *
   * @param requestJson the request as stored (toColumnValue), so that the caller need not
   *   serialize it twice.
   */
  insert(newItem: NewItem, requestJson: string | null, state: ItemState, now: number): number {
    // Positional parameters: binding by name costs more per row, on intake's path for every file
    // (docs/performance.md, "Why the code is shaped so", Store).
    const { lastInsertRowid } = this.#insert.run(
      newItem.folderId,
      newItem.relativePath,
      newItem.sizeBytes,
      newItem.mtimeMs,
      newItem.sha256 ?? null,
      newItem.quickXorHash ?? null,
      requestJson,
      newItem.targetPath ?? null,
      newItem.library ?? null,
      state,
      now,
      now,
      now,
    );
    return Number(lastInsertRowid);
  }

  /** One item, or undefined. */
  get(itemId: number): Item | undefined {
    const row = this.#get.get(itemId) as ItemRow | undefined;
    return row ? itemFromRow(row) : undefined;
  }

  /** One item. @throws StoreInvariantError when it does not exist. */
  getExisting(itemId: number): Item {
    const item = this.get(itemId);
    if (!item) throw new StoreInvariantError(`Item ${itemId} does not exist`);
    return item;
  }

  /** The state of an item alone (no row is read whole), or undefined. */
  getState(itemId: number): ItemState | undefined {
    return this.#getState.get(itemId) as ItemState | undefined;
  }

  /**
   * Writes `changes` (and the row's updated_at, `now`) to an item's row.
   *
   * @throws StoreInvariantError when the item does not exist.
   */
  update(itemId: number, changes: ItemChanges & { state?: ItemState }, now: number): void {
    const fields = (Object.keys(changes) as (keyof Item)[]).sort();
    const key = fields.join(',');
    let statement = this.#updates.get(key);
    if (!statement) {
      const assignments = fields.map((field) => `${itemColumns[field]} = @${field}`);
      statement = this.#db.prepare(
        `UPDATE items SET ${[...assignments, 'updated_at = @updatedAt'].join(', ')} WHERE id = @id`,
      );
      this.#updates.set(key, statement);
    }
    const values: Record<string, unknown> = { id: itemId, updatedAt: now };
    const source = changes as Partial<Record<keyof Item, unknown>>;
    for (const field of fields) values[field] = toColumnValue(field, source[field]);
    const { changes: changed } = statement.run(values);
    if (changed !== 1) throw new StoreInvariantError(`Item ${itemId} does not exist`);
  }
}

/** An item after an update of `changes` and `state` at `now`, as a read of its row returns it. */
export function withChanges(item: Item, changes: ItemChanges, state: ItemState, now: number): Item {
  const updated: Record<string, unknown> = { ...item, state, updatedAt: now };
  for (const [field, value] of Object.entries(changes) as [keyof ItemChanges, unknown][]) {
    const stored = toColumnValue(field, value);
    updated[field] =
      field === 'request' && typeof stored === 'string' ? (JSON.parse(stored) as unknown) : stored;
  }
  return updated as unknown as Item;
}
