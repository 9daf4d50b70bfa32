import type { Database } from 'better-sqlite3';
import type { ItemState } from '../../../shared/item-state.ts';
import type { Clock } from '../lifecycle/index.ts';
import type { EventLog } from './event-log.ts';
import type { Item } from './item.ts';
import type { ItemRows } from './item-rows.ts';
import type { Transactions } from './transactions.ts';

/** What the outbox needs of the rest of the store. */
export interface OutboxParts {
  clock: Clock;
  transactions: Transactions;
  rows: ItemRows;
  events: EventLog;
}

/** An outbox row whose wait was written at a wall time after now (rescheduleAfterClockJump). */
interface RowWrittenInTheFuture {
  item_id: number;
  available_at: number;
  updated_at: number;
  state: ItemState;
  last_error_code: string | null;
  last_error_message: string | null;
}

/**
 * The delivery outbox: one row per item that waits for delivery (queued or retrying) or is being
 * delivered, with when it falls due and who claimed it. Item transitions keep the rows in step
 * with the state (items.ts); delivery claims due rows and gives them back.
 */
export class Outbox {
  readonly #parts: OutboxParts;
  readonly #statements;

  constructor(db: Database, parts: OutboxParts) {
    this.#parts = parts;
    this.#statements = prepareOutboxStatements(db);
  }

  /** Gives a new item its row, due at `availableAt` (it has none yet: no conflict step). */
  insertNew(itemId: number, availableAt: number): void {
    this.#statements.insertNew.run(itemId, availableAt);
  }

  /** Gives an item its row, or moves it, due at `availableAt` and unclaimed. */
  schedule(itemId: number, availableAt: number): void {
    this.#statements.upsert.run(itemId, availableAt);
  }

  /** Removes an item's row (a finished item waits for nothing). */
  remove(itemId: number): void {
    this.#statements.delete.run(itemId);
  }

  /**
   * Claims up to `limit` items due for delivery for `owner`, oldest due first, in one
   * transaction: a worker pool fills its free slots with one query and one commit (or none,
   * inside a group commit) instead of one per item.
   *
   * @param excludedFolderIds folders whose delivery is paused.
   */
  claimDeliveries(owner: string, excludedFolderIds: readonly string[], limit: number): Item[] {
    if (limit <= 0) return [];
    const { clock, transactions, rows } = this.#parts;
    return transactions.run(() => {
      const now = clock.now();
      const due = this.#statements.nextDue.all(now, JSON.stringify(excludedFolderIds), limit) as {
        item_id: number;
      }[];
      return due.map((row) => {
        this.#statements.claim.run(owner, now, row.item_id);
        return rows.getExisting(row.item_id);
      });
    });
  }

  /** Gives a claimed item back to the outbox (e.g. on shutdown before it was started). */
  releaseClaim(itemId: number, owner: string): void {
    this.#statements.releaseClaim.run(itemId, owner);
  }

  /** Releases every claim: at start, claims of a process that died are void. */
  releaseAllClaims(): number {
    return this.#statements.releaseAllClaims.run().changes;
  }

  /** When the next unclaimed outbox row falls due (epoch ms), or null when none waits. */
  nextDeliveryDueAt(excludedFolderIds: readonly string[] = []): number | null {
    const row = this.#statements.nextDueAt.get(JSON.stringify(excludedFolderIds)) as {
      due: number | null;
    };
    return row.due;
  }

  /**
   * Makes every retrying item that waits due now (a person pressed "Try now"), each announced
   * by an `item.retrying` event with its new time. Returns their ids.
   */
  makeRetryingDueNow(): number[] {
    const { clock, transactions, rows, events } = this.#parts;
    return transactions.run(() => {
      const now = clock.now();
      const waiting = this.#statements.waitingRetries.all(now) as WaitingRetry[];
      for (const row of waiting) {
        this.#statements.setAvailableAt.run(now, row.item_id);
        rows.update(row.item_id, { nextAttemptAt: now }, now);
        events.append(
          {
            type: 'item.retrying',
            data: {
              itemId: row.item_id,
              nextAttemptAt: now,
              errorCode: row.last_error_code ?? 'delivery.try-now',
              errorMessage: row.last_error_message ?? 'Trying again now, as asked',
            },
          },
          row.item_id,
        );
      }
      return waiting.map((row) => row.item_id);
    });
  }

  /**
   * Gives waiting outbox rows their wait again from now after the wall clock was set back, so
   * that a clock jump never makes an item wait for days.
   *
   * A row written at wall time `updated_at` to be due at `available_at` cannot have been written
   * in the future: when now is before `updated_at`, the clock went back, and the row is due
   * `available_at - updated_at` (the wait it was given: a Retry-After, a stored retry, a breaker
   * probe; zero for a queued item) from now. A retrying item's next attempt time moves with it,
   * announced by an `item.retrying` event. Returns how many rows moved.
   */
  rescheduleAfterClockJump(): number {
    const { clock, transactions, rows, events } = this.#parts;
    return transactions.run(() => {
      const now = clock.now();
      const moved = this.#statements.writtenInTheFuture.all(now, now) as RowWrittenInTheFuture[];
      for (const row of moved) {
        const availableAt = now + Math.max(0, row.available_at - row.updated_at);
        this.#statements.setAvailableAt.run(availableAt, row.item_id);
        if (row.state !== 'retrying') {
          rows.update(row.item_id, {}, now);
          continue;
        }
        rows.update(row.item_id, { nextAttemptAt: availableAt }, now);
        events.append(
          {
            type: 'item.retrying',
            data: {
              itemId: row.item_id,
              nextAttemptAt: availableAt,
              errorCode: row.last_error_code ?? 'delivery.rescheduled',
              errorMessage:
                row.last_error_message ?? 'Waiting for the next attempt (the clock was changed)',
            },
          },
          row.item_id,
        );
      }
      return moved.length;
    });
  }
}

/** A retrying item's outbox row that waits (makeRetryingDueNow). */
interface WaitingRetry {
  item_id: number;
  last_error_code: string | null;
  last_error_message: string | null;
}

function prepareOutboxStatements(db: Database) {
  return {
    insertNew: db.prepare('INSERT INTO outbox (item_id, available_at) VALUES (?, ?)'),
    upsert: db.prepare(`
      INSERT INTO outbox (item_id, available_at) VALUES (?, ?)
      ON CONFLICT (item_id) DO UPDATE SET available_at = excluded.available_at,
        claimed_by = NULL, claimed_at = NULL`),
    delete: db.prepare('DELETE FROM outbox WHERE item_id = ?'),
    nextDue: db.prepare(`
      SELECT o.item_id FROM outbox o JOIN items i ON i.id = o.item_id
      WHERE o.claimed_by IS NULL AND o.available_at <= ?
        AND i.folder_id NOT IN (SELECT value FROM json_each(?))
      ORDER BY o.available_at, o.item_id LIMIT ?`),
    nextDueAt: db.prepare(`
      SELECT min(o.available_at) AS due FROM outbox o JOIN items i ON i.id = o.item_id
      WHERE o.claimed_by IS NULL AND i.folder_id NOT IN (SELECT value FROM json_each(?))`),
    claim: db.prepare('UPDATE outbox SET claimed_by = ?, claimed_at = ? WHERE item_id = ?'),
    writtenInTheFuture: db.prepare(`
      SELECT o.item_id, o.available_at, i.updated_at, i.state, i.last_error_code,
        i.last_error_message
      FROM outbox o JOIN items i ON i.id = o.item_id
      WHERE o.claimed_by IS NULL AND o.available_at > ? AND i.updated_at > ?`),
    setAvailableAt: db.prepare('UPDATE outbox SET available_at = ? WHERE item_id = ?'),
    waitingRetries: db.prepare(`
      SELECT o.item_id, i.last_error_code, i.last_error_message
      FROM outbox o JOIN items i ON i.id = o.item_id
      WHERE o.claimed_by IS NULL AND o.available_at > ? AND i.state = 'retrying'`),
    releaseClaim: db.prepare(
      'UPDATE outbox SET claimed_by = NULL, claimed_at = NULL WHERE item_id = ? AND claimed_by = ?',
    ),
    releaseAllClaims: db.prepare(
      'UPDATE outbox SET claimed_by = NULL, claimed_at = NULL WHERE claimed_by IS NOT NULL',
    ),
  };
}
