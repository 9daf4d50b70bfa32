import type { Database, Statement } from 'better-sqlite3';
import { transientEventTypes, type AgentEvent, type LoggedEvent } from '../../../shared/events.ts';
import type { Clock } from '../lifecycle/index.ts';
import { StoreInvariantError } from './errors.ts';
import type { Transactions } from './transactions.ts';

const transientEventTypeSet: ReadonlySet<string> = new Set(transientEventTypes);

/** The append-only event log: appends in the open transaction, reads by sequence number. */
export class EventLog {
  readonly #clock: Clock;
  readonly #transactions: Transactions;
  readonly #insert: Statement;
  readonly #since: Statement;
  readonly #lastSeq: Statement;
  readonly #ofItem: Statement;
  readonly #ofResponse: Statement;

  constructor(db: Database, clock: Clock, transactions: Transactions) {
    this.#clock = clock;
    this.#transactions = transactions;
    this.#insert = db.prepare('INSERT INTO events (at, type, item_id, data) VALUES (?, ?, ?, ?)');
    this.#since = db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#lastSeq = db.prepare('SELECT max(seq) AS seq FROM events');
    this.#ofItem = db.prepare('SELECT * FROM events WHERE item_id = ? ORDER BY seq DESC LIMIT ?');
    this.#ofResponse = db.prepare(
      `SELECT * FROM events WHERE type LIKE 'response.%' AND json_extract(data, '$.responseId') = ?
       ORDER BY seq DESC LIMIT ?`,
    );
  }

  /** Appends an event to the log (within the current transaction, or its own). */
  append(event: AgentEvent, itemId: number | null = null): LoggedEvent {
    if (transientEventTypeSet.has(event.type)) {
      throw new StoreInvariantError(`${event.type} is transient and never logged`);
    }
    const append = () => {
      const at = this.#clock.now();
      const data = JSON.stringify(event.data);
      const { lastInsertRowid } = this.#insert.run(at, event.type, itemId, data);
      const logged = { ...event, seq: Number(lastInsertRowid), at } as LoggedEvent;
      this.#transactions.addPending(logged);
      return logged;
    };
    // Inside a transaction the one INSERT needs no savepoint of its own: it either happens whole
    // or throws before anything is pending.
    return this.#transactions.isOpen ? append() : this.#transactions.run(append);
  }

  /** Logged events after `afterSeq`, oldest first, at most `limit`. */
  readSince(afterSeq: number, limit: number): LoggedEvent[] {
    return (this.#since.all(afterSeq, limit) as Record<string, unknown>[]).map(eventFromRow);
  }

  /** The newest logged event's sequence number (0 when the log is empty). */
  lastSeq(): number {
    return (this.#lastSeq.get() as { seq: number | null }).seq ?? 0;
  }

  /** The latest `limit` logged events of one response, oldest first. */
  listOfResponse(responseId: number, limit: number): LoggedEvent[] {
    const rows = this.#ofResponse.all(responseId, limit) as Record<string, unknown>[];
    return rows.reverse().map(eventFromRow);
  }

  /** The latest `limit` logged events of one item, oldest first. */
  listOfItem(itemId: number, limit: number): LoggedEvent[] {
    const rows = this.#ofItem.all(itemId, limit) as Record<string, unknown>[];
    return rows.reverse().map(eventFromRow);
  }
}

function eventFromRow(row: Record<string, unknown>): LoggedEvent {
  return {
    seq: row.seq as number,
    at: row.at as number,
    type: row.type,
    data: JSON.parse(row.data as string),
  } as LoggedEvent;
}
