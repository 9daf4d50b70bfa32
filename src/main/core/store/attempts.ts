import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../lifecycle/index.ts';

/** One upload attempt, as the item detail shows it. */
export interface Attempt {
  id: number;
  itemId: number;
  startedAt: number;
  endedAt: number | null;
  outcome: string | null;
  httpStatus: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** How an attempt ended. */
export type AttemptResult = Pick<Attempt, 'outcome' | 'httpStatus' | 'errorCode' | 'errorMessage'>;

/** The attempts table: one row per upload attempt of an item, started and then finished. */
export class Attempts {
  readonly #clock: Clock;
  readonly #start: Statement;
  readonly #finish: Statement;
  readonly #list: Statement;
  readonly #discard: Statement;

  constructor(db: Database, clock: Clock) {
    this.#clock = clock;
    this.#start = db.prepare('INSERT INTO attempts (item_id, started_at) VALUES (?, ?)');
    this.#finish = db.prepare(`
      UPDATE attempts SET ended_at = @ended_at, outcome = @outcome, http_status = @http_status,
        error_code = @error_code, error_message = @error_message WHERE id = @id`);
    this.#list = db.prepare('SELECT * FROM attempts WHERE item_id = ? ORDER BY id');
    this.#discard = db.prepare('DELETE FROM attempts WHERE id = ? AND ended_at IS NULL');
  }

  /** Starts an attempt row for an item; returns its id. */
  start(itemId: number): number {
    const { lastInsertRowid } = this.#start.run(itemId, this.#clock.now());
    return Number(lastInsertRowid);
  }

  /** Records how an attempt ended. */
  finish(attemptId: number, result: AttemptResult): void {
    this.#finish.run({
      id: attemptId,
      ended_at: this.#clock.now(),
      outcome: result.outcome,
      http_status: result.httpStatus,
      error_code: result.errorCode,
      error_message: result.errorMessage,
    });
  }

  /**
   * Removes an attempt that never sent anything (an item claimed ahead and given back unsent):
   * only an attempt that has not ended.
   */
  discard(attemptId: number): void {
    this.#discard.run(attemptId);
  }

  /** Every attempt of an item, oldest first. */
  list(itemId: number): Attempt[] {
    return (this.#list.all(itemId) as Record<string, unknown>[]).map((row) => ({
      id: row.id as number,
      itemId: row.item_id as number,
      startedAt: row.started_at as number,
      endedAt: row.ended_at as number | null,
      outcome: row.outcome as string | null,
      httpStatus: row.http_status as number | null,
      errorCode: row.error_code as string | null,
      errorMessage: row.error_message as string | null,
    }));
  }
}
