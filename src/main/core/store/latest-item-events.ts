import type { Database } from 'better-sqlite3';
import type { EventType, LoggedEvent } from '../../../shared/events.ts';

/**
 * The newest logged event of any of `types` for each of `itemIds`, on any connection (the
 * agent's, or a read-only one for `sitedrop status`). Items without such an event are absent.
 */
export function latestItemEventsOfTypes(
  db: Database,
  itemIds: readonly number[],
  types: readonly EventType[],
): Map<number, LoggedEvent> {
  const result = new Map<number, LoggedEvent>();
  if (itemIds.length === 0 || types.length === 0) return result;
  const rows = db
    .prepare(
      `SELECT seq, at, type, item_id, data FROM events
       WHERE item_id IN (SELECT value FROM json_each(?)) AND type IN (SELECT value FROM json_each(?))
       ORDER BY seq`,
    )
    .all(JSON.stringify(itemIds), JSON.stringify(types)) as {
    seq: number;
    at: number;
    type: EventType;
    item_id: number;
    data: string;
  }[];
  for (const row of rows) {
    const event = { seq: row.seq, at: row.at, type: row.type, data: JSON.parse(row.data) };
    result.set(row.item_id, event as LoggedEvent);
  }
  return result;
}

/** The newest logged event of any of `types`, on any connection; undefined when there is none. */
export function latestEventOfTypes(
  db: Database,
  types: readonly EventType[],
): LoggedEvent | undefined {
  const row = db
    .prepare(
      `SELECT seq, at, type, data FROM events
       WHERE type IN (SELECT value FROM json_each(?)) ORDER BY seq DESC LIMIT 1`,
    )
    .get(JSON.stringify(types)) as
    { seq: number; at: number; type: EventType; data: string } | undefined;
  if (!row) return undefined;
  return { seq: row.seq, at: row.at, type: row.type, data: JSON.parse(row.data) } as LoggedEvent;
}
