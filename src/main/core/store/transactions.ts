import type { Database } from 'better-sqlite3';
import type { LoggedEvent } from '../../../shared/events.ts';
import type { EventBus } from '../events/index.ts';
import { StoreInvariantError } from './errors.ts';

/**
 * The store's transactions: IMMEDIATE writes, savepoints for nested ones, DEFERRED consistent
 * reads, and the events appended in them, published on the bus only after the outermost commit
 * (docs/architecture.md, rules 1 and 2). Transaction functions are synchronous.
 */
export class Transactions {
  readonly #db: Database;
  readonly #bus: EventBus;
  readonly #pending: LoggedEvent[] = [];
  readonly #savepoint;
  readonly #releaseSavepoint;
  readonly #rollbackToSavepoint;
  /**
   * Whether a transaction of this store is open: the store opens them all, and better-sqlite3's
   * `inTransaction` is a call into the native side (twice per recorded file).
   * After an error SQLite may have ended the transaction itself: that check stays native.
   */
  #isOpen = false;
  /** Nested transactions run without their savepoint (withoutSavepoints). */
  #areSavepointsSkipped = false;

  constructor(db: Database, bus: EventBus) {
    this.#db = db;
    this.#bus = bus;
    this.#savepoint = db.prepare('SAVEPOINT store_nested');
    this.#releaseSavepoint = db.prepare('RELEASE store_nested');
    this.#rollbackToSavepoint = db.prepare('ROLLBACK TO store_nested');
  }

  /** Whether a transaction is open: a write in it needs no transaction of its own. */
  get isOpen(): boolean {
    return this.#isOpen;
  }

  /** Holds an event appended in the open transaction until it commits. */
  addPending(event: LoggedEvent): void {
    this.#pending.push(event);
  }

  /**
   * Runs fn in one IMMEDIATE transaction (a savepoint when nested) and publishes the events it
   * appended after the outermost commit. A throw rolls everything back and publishes nothing.
   */
  run<T>(fn: () => T): T {
    const pendingBefore = this.#pending.length;
    if (this.#isOpen) {
      return this.#areSavepointsSkipped ? fn() : this.#inSavepoint(fn, pendingBefore);
    }
    let result: T;
    this.#isOpen = true;
    try {
      result = this.#db.transaction(fn).immediate();
    } catch (error) {
      this.#pending.length = pendingBefore;
      throw error;
    } finally {
      this.#isOpen = false;
    }
    this.#bus.publish(this.#pending.splice(0));
    return result;
  }

  /**
   * Runs fn in the open transaction with no savepoint for the transactions nested in it: one of
   * them that throws leaves its writes half done, so a throw out of fn must end the whole
   * transaction (the group commit's run with no savepoints; see GroupCommit.runSingleWrite).
   */
  withoutSavepoints<T>(fn: () => T): T {
    if (!this.#isOpen) {
      throw new StoreInvariantError('withoutSavepoints needs an open transaction');
    }
    const wereSkipped = this.#areSavepointsSkipped;
    this.#areSavepointsSkipped = true;
    try {
      return fn();
    } finally {
      this.#areSavepointsSkipped = wereSkipped;
    }
  }

  /**
   * Runs fn in one read transaction (DEFERRED; a savepoint when nested), so that several reads
   * see one state of the database even while another process writes (the feed's snapshot).
   */
  readConsistently<T>(fn: () => T): T {
    const run = this.#db.transaction(fn);
    if (this.#isOpen) return run();
    this.#isOpen = true;
    try {
      return run.deferred();
    } finally {
      this.#isOpen = false;
    }
  }

  /**
   * Runs fn in a savepoint of the open transaction, by statements prepared once: better-sqlite3's
   * `db.transaction(fn)` builds its wrappers anew on every call, several times the cost of the
   * prepared statements, and a group commit nests several per state change (docs/performance.md,
   * "Why the code is shaped so", Store).
   */
  #inSavepoint<T>(fn: () => T, pendingBefore: number): T {
    this.#savepoint.run();
    let result: T;
    try {
      result = fn();
    } catch (error) {
      // SQLite may have rolled the whole transaction back already (e.g. SQLITE_FULL).
      if (this.#db.inTransaction) {
        this.#rollbackToSavepoint.run();
        this.#releaseSavepoint.run();
      }
      this.#pending.length = pendingBefore;
      throw error;
    }
    this.#releaseSavepoint.run();
    return result;
  }
}
