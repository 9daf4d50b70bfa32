import type { Database, Statement } from 'better-sqlite3';
import {
  eventTypeByState,
  transientEventTypes,
  type AgentEvent,
  type EventData,
  type LoggedEvent,
  type TargetItemState,
} from '../../../shared/events.ts';
import { canTransition, itemStates, type ItemState } from '../../../shared/item-state.ts';
import type { EventBus } from '../events/index.ts';
import type { Clock } from '../lifecycle/index.ts';
import {
  itemColumns,
  itemFromRow,
  newVersionFields,
  toColumnValue,
  type Item,
  type ItemChanges,
  type ItemRow,
  type NewItem,
  type PathVersion,
} from './item.ts';
import { openDatabase, type DatabaseRecovery } from './open-database.ts';

/** Raised for a broken invariant: a transition the lifecycle forbids, a missing item. */
export class StoreInvariantError extends Error {
  readonly code = 'bug.store-invariant';
}

/** The data of the event that records entering state S, without the item id. */
export type TransitionEventData<S extends TargetItemState> = Omit<
  EventData<(typeof eventTypeByState)[S]>,
  'itemId'
>;

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

/** Filters for paging through items, newest first. */
export interface ItemFilter {
  states?: readonly ItemState[];
  folderId?: string;
  /** Matched against the path and the request metadata (e.g. a request id). */
  search?: string;
  /** Only items with an id below this (the page cursor). */
  beforeId?: number;
  limit: number;
}

/** Options to open the store. */
export interface StoreOptions {
  dataDir: string;
  clock: Clock;
  bus: EventBus;
  /**
   * Whether a corrupt database may be moved aside (default true). Only the agent that holds
   * the data directory may do that; a CLI command writing beside a running agent may not.
   */
  isRecoveryAllowed?: boolean;
}

/**
 * The durable heart of the agent: items, the delivery outbox, the event log and attempts.
 *
 * Every state change of an item and its event are written in one transaction; the bus hears
 * of the events only after commit (docs/architecture.md, rules 1 and 2). Statements are
 * prepared once. Transactions are synchronous and IMMEDIATE, so a claim never races a writer.
 */
const transientEventTypeSet: ReadonlySet<string> = new Set(transientEventTypes);

export class Store {
  readonly recovery: DatabaseRecovery | undefined;
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #bus: EventBus;
  readonly #pending: LoggedEvent[] = [];
  readonly #updateStatements = new Map<string, Statement>();
  readonly #statements;
  #isClosed = false;
  /**
   * Whether a transaction of this store is open: the store opens them all, and better-sqlite3's
   * `inTransaction` is a call into the native side (twice per recorded file; issue 7, figure 2).
   * After an error SQLite may have ended the transaction itself: that check stays native.
   */
  #isInTransaction = false;
  /** Nested transactions run without their savepoint (withoutSavepoints). */
  #areSavepointsSkipped = false;

  private constructor(db: Database, recovery: DatabaseRecovery | undefined, options: StoreOptions) {
    this.#db = db;
    this.recovery = recovery;
    this.#clock = options.clock;
    this.#bus = options.bus;
    this.#statements = prepareStatements(db);
  }

  /** Opens (creating, migrating or recovering) the database in the data directory. */
  static open(options: StoreOptions): Store {
    const { db, recovery } = openDatabase(options.dataDir, {
      now: new Date(options.clock.now()),
      isRecoveryAllowed: options.isRecoveryAllowed ?? true,
    });
    return new Store(db, recovery, options);
  }

  /**
   * Runs fn in one IMMEDIATE transaction (a savepoint when nested) and publishes the events it
   * appended after the outermost commit. A throw rolls everything back and publishes nothing.
   */
  transaction<T>(fn: () => T): T {
    const pendingBefore = this.#pending.length;
    if (this.#isInTransaction) {
      return this.#areSavepointsSkipped ? fn() : this.#inSavepoint(fn, pendingBefore);
    }
    let result: T;
    this.#isInTransaction = true;
    try {
      result = this.#db.transaction(fn).immediate();
    } catch (error) {
      this.#pending.length = pendingBefore;
      throw error;
    } finally {
      this.#isInTransaction = false;
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
    if (!this.#isInTransaction) {
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
   * Runs fn in a savepoint of the open transaction, by statements prepared once: better-sqlite3's
   * `db.transaction(fn)` builds its wrappers anew on every call (~11 µs against ~2 µs), and a
   * group commit nests several per state change (issue 7, figure 3).
   */
  #inSavepoint<T>(fn: () => T, pendingBefore: number): T {
    const { savepoint, releaseSavepoint, rollbackToSavepoint } = this.#statements;
    savepoint.run();
    let result: T;
    try {
      result = fn();
    } catch (error) {
      // SQLite may have rolled the whole transaction back already (e.g. SQLITE_FULL).
      if (this.#db.inTransaction) {
        rollbackToSavepoint.run();
        releaseSavepoint.run();
      }
      this.#pending.length = pendingBefore;
      throw error;
    }
    releaseSavepoint.run();
    return result;
  }

  /** Appends an event to the log (within the current transaction, or its own). */
  appendEvent(event: AgentEvent, itemId: number | null = null): LoggedEvent {
    if (transientEventTypeSet.has(event.type)) {
      throw new StoreInvariantError(`${event.type} is transient and never logged`);
    }
    const append = () => {
      const at = this.#clock.now();
      const data = JSON.stringify(event.data);
      const { lastInsertRowid } = this.#statements.insertEvent.run(at, event.type, itemId, data);
      const logged = { ...event, seq: Number(lastInsertRowid), at } as LoggedEvent;
      this.#pending.push(logged);
      return logged;
    };
    // Inside a transaction the one INSERT needs no savepoint of its own: it either happens whole
    // or throws before anything is pending.
    return this.#isInTransaction ? append() : this.transaction(append);
  }

  /**
   * Records a new file version in state S (queued, quarantined or skipped) with its event and,
   * when queued, its outbox row: the durable "detected → queued" step (rule 1).
   */
  insertItem<S extends 'queued' | 'quarantined' | 'skipped'>(
    newItem: NewItem,
    state: S,
    eventData: TransitionEventData<S>,
    changes: ItemChanges = {},
  ): Item {
    return this.transaction(() => {
      const now = this.#clock.now();
      const requestJson = toColumnValue('request', newItem.request) as string | null;
      // Positional parameters: binding by name costs ~1 µs more per row (issue 7, figure 2).
      const { lastInsertRowid } = this.#statements.insertItem.run(
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
      const id = Number(lastInsertRowid);
      const hasChanges = Object.keys(changes).length > 0;
      if (hasChanges) this.#update(id, changes, now);
      if (state === 'queued') this.#statements.insertOutbox.run(id, now);
      this.appendEvent(
        {
          type: eventTypeByState[state],
          data: { ...eventData, itemId: id },
        } as unknown as AgentEvent,
        id,
      );
      // The row is what was written: no read of it. The request as a read parses it.
      const inserted: Item = {
        ...newVersionFields(newItem, now),
        id,
        folderId: newItem.folderId,
        relativePath: newItem.relativePath,
        request: requestJson === null ? null : (JSON.parse(requestJson) as Item['request']),
        state,
        createdAt: now,
        updatedAt: now,
      };
      return hasChanges ? withChanges(inserted, changes, state, now) : inserted;
    });
  }

  /**
   * Moves an item to a new state, applying field changes and appending the state's event, in
   * one transaction. The outbox follows the state: queued and retrying items have a row
   * (available at once, or at nextAttemptAt), finished items have none.
   *
   * @param expectedFrom when given, the item must currently be in one of these states.
   * @throws StoreInvariantError for a transition the lifecycle forbids.
   */
  transitionItem<S extends TargetItemState>(
    itemId: number,
    to: S,
    eventData: TransitionEventData<S>,
    changes: ItemChanges = {},
    expectedFrom?: readonly ItemState[],
  ): Item {
    return this.transaction(() => {
      const current = this.#getExisting(itemId);
      if (expectedFrom && !expectedFrom.includes(current.state)) {
        throw new StoreInvariantError(
          `Item ${itemId} is ${current.state}, expected ${expectedFrom.join(' or ')} before ${to}`,
        );
      }
      if (!canTransition(current.state, to)) {
        throw new StoreInvariantError(`Item ${itemId} cannot move from ${current.state} to ${to}`);
      }
      const now = this.#clock.now();
      this.#update(itemId, { ...changes, state: to } as ItemChanges, now);
      if (to === 'queued') {
        this.#statements.upsertOutbox.run(itemId, now);
      } else if (to === 'retrying') {
        const availableAt = changes.nextAttemptAt ?? now;
        this.#statements.upsertOutbox.run(itemId, availableAt);
      } else if (to !== 'uploading' && to !== 'verifying') {
        this.#statements.deleteOutbox.run(itemId);
      }
      const type = eventTypeByState[to];
      this.appendEvent({ type, data: { ...eventData, itemId } } as unknown as AgentEvent, itemId);
      // The row is what was read plus what was written: no second read (and parse) of it.
      return withChanges(current, changes, to, now);
    });
  }

  /**
   * Records a successful delivery in one step: `verifying` (unless the upload recorded it
   * already) and `delivered`, each with its event as transitionItem appends them, and the
   * attempt's end. One read of the item's state and one write of its row, where two
   * transitions read the whole row twice and wrote it twice.
   *
   * @throws StoreInvariantError when the item is neither uploading nor verifying.
   */
  recordDelivered(
    itemId: number,
    eventData: TransitionEventData<'delivered'>,
    changes: ItemChanges,
    attemptId: number,
    outcome: 'delivered' | 'already-there',
  ): void {
    this.transaction(() => {
      const state = this.#statements.getState.get(itemId) as ItemState | undefined;
      if (state === undefined) throw new StoreInvariantError(`Item ${itemId} does not exist`);
      if (state !== 'uploading' && state !== 'verifying') {
        throw new StoreInvariantError(
          `Item ${itemId} is ${state}, expected uploading or verifying before delivered`,
        );
      }
      const now = this.#clock.now();
      this.#update(itemId, { ...changes, state: 'delivered' } as ItemChanges, now);
      this.#statements.deleteOutbox.run(itemId);
      if (state === 'uploading') {
        this.appendEvent({ type: 'item.verifying', data: { itemId } }, itemId);
      }
      this.appendEvent({ type: 'item.delivered', data: { ...eventData, itemId } }, itemId);
      this.finishAttempt(attemptId, {
        outcome,
        httpStatus: null,
        errorCode: null,
        errorMessage: null,
      });
    });
  }

  /**
   * Puts a finished item back in the queue (Retry, or a person un-cancelling it): attempts and
   * the error are cleared and its maximum age starts again.
   */
  requeueItem(itemId: number, reason: 'retry' | 'changed' | 'restarted' = 'retry'): Item {
    return this.transaction(() => {
      const item = this.#getExisting(itemId);
      return this.transitionItem(
        itemId,
        'queued',
        { folderId: item.folderId, path: item.relativePath, sizeBytes: item.sizeBytes, reason },
        {
          attempts: 0,
          nextAttemptAt: null,
          lastErrorCode: null,
          lastErrorMessage: null,
          firstQueuedAt: this.#clock.now(),
        },
      );
    });
  }

  /** The ids of every failed item, oldest first. */
  listFailedItemIds(): number[] {
    return (this.#statements.failedIds.all() as { id: number }[]).map((row) => row.id);
  }

  /** Changes fields of an item without a state change or event (e.g. the next upload offset). */
  updateItem(itemId: number, changes: ItemChanges): Item {
    return this.transaction(() => {
      this.#update(itemId, changes, this.#clock.now());
      return this.#getExisting(itemId);
    });
  }

  /** One item, or undefined. */
  getItem(itemId: number): Item | undefined {
    const row = this.#statements.getItem.get(itemId) as ItemRow | undefined;
    return row ? itemFromRow(row) : undefined;
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

  /**
   * Claims up to `limit` items due for delivery for `owner`, oldest due first, in one
   * transaction: a worker pool fills its free slots with one query and one commit (or none,
   * inside a group commit) instead of one per item.
   *
   * @param excludedFolderIds folders whose delivery is paused.
   */
  claimDeliveries(owner: string, excludedFolderIds: readonly string[], limit: number): Item[] {
    if (limit <= 0) return [];
    return this.transaction(() => {
      const now = this.#clock.now();
      const rows = this.#statements.nextDue.all(now, JSON.stringify(excludedFolderIds), limit) as {
        item_id: number;
      }[];
      return rows.map((row) => {
        this.#statements.claim.run(owner, now, row.item_id);
        return this.#getExisting(row.item_id);
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
   * Gives waiting outbox rows their wait again from now after the wall clock was set back
   * (issue 4: "a clock jump never makes an item wait for days").
   *
   * A row written at wall time `updated_at` to be due at `available_at` cannot have been written
   * in the future: when now is before `updated_at`, the clock went back, and the row is due
   * `available_at - updated_at` (the wait it was given: a Retry-After, a stored retry, a breaker
   * probe; zero for a queued item) from now. A retrying item's next attempt time moves with it,
   * announced by an `item.retrying` event. Returns how many rows moved.
   */
  rescheduleAfterClockJump(): number {
    return this.transaction(() => {
      const now = this.#clock.now();
      const rows = this.#statements.writtenInTheFuture.all(now, now) as {
        item_id: number;
        available_at: number;
        updated_at: number;
        state: ItemState;
        last_error_code: string | null;
        last_error_message: string | null;
      }[];
      for (const row of rows) {
        const availableAt = now + Math.max(0, row.available_at - row.updated_at);
        this.#statements.setOutboxAvailableAt.run(availableAt, row.item_id);
        if (row.state !== 'retrying') {
          this.#update(row.item_id, {}, now);
          continue;
        }
        this.#update(row.item_id, { nextAttemptAt: availableAt }, now);
        this.appendEvent(
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
      return rows.length;
    });
  }

  /** Starts an attempt row for an item; returns its id. */
  startAttempt(itemId: number): number {
    const { lastInsertRowid } = this.#statements.startAttempt.run(itemId, this.#clock.now());
    return Number(lastInsertRowid);
  }

  /** Records how an attempt ended. */
  finishAttempt(attemptId: number, result: AttemptResult): void {
    this.#statements.finishAttempt.run({
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
  discardAttempt(attemptId: number): void {
    this.#statements.discardAttempt.run(attemptId);
  }

  /** Every attempt of an item, oldest first. */
  listAttempts(itemId: number): Attempt[] {
    return (this.#statements.listAttempts.all(itemId) as Record<string, unknown>[]).map((row) => ({
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

  /** How many items are in each state (every state present, zeros included). */
  countsByState(): Record<ItemState, number> {
    return countItemsByState(this.#db);
  }

  /** A page of items, newest first. */
  listItems(filter: ItemFilter): Item[] {
    return listItemRows(this.#db, filter).map(itemFromRow);
  }

  /**
   * The relative paths of a folder's items in the given states, one at a time from the
   * statement (no rows or items are built): intake's scans compare them with what is on disk,
   * and 100,000 waiting items as whole rows cost ~250 MiB (docs/performance.md, figure 7).
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

  /** The latest `limit` logged events of one item, oldest first. */
  listItemEvents(itemId: number, limit: number): LoggedEvent[] {
    const rows = this.#statements.itemEvents.all(itemId, limit) as Record<string, unknown>[];
    return rows.reverse().map(eventFromRow);
  }

  /**
   * Runs fn in one read transaction (DEFERRED; a savepoint when nested), so that several reads
   * see one state of the database even while another process writes (the feed's snapshot).
   */
  readConsistently<T>(fn: () => T): T {
    const run = this.#db.transaction(fn);
    if (this.#isInTransaction) return run();
    this.#isInTransaction = true;
    try {
      return run.deferred();
    } finally {
      this.#isInTransaction = false;
    }
  }

  /** Logged events after `afterSeq`, oldest first, at most `limit`. */
  readEventsSince(afterSeq: number, limit: number): LoggedEvent[] {
    return (this.#statements.eventsSince.all(afterSeq, limit) as Record<string, unknown>[]).map(
      eventFromRow,
    );
  }

  /** The newest logged event's sequence number (0 when the log is empty). */
  lastEventSeq(): number {
    return (this.#statements.lastSeq.get() as { seq: number | null }).seq ?? 0;
  }

  /** A small persistent value (e.g. cached SharePoint ids). */
  getMeta(key: string): string | undefined {
    return (this.#statements.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  /** Stores a small persistent value. */
  setMeta(key: string, value: string): void {
    this.#statements.setMeta.run(key, value);
  }

  /** Closes the database (checkpointing the WAL). Idempotent. */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#db.close();
  }

  #getExisting(itemId: number): Item {
    const item = this.getItem(itemId);
    if (!item) throw new StoreInvariantError(`Item ${itemId} does not exist`);
    return item;
  }

  #update(itemId: number, changes: ItemChanges & { state?: ItemState }, now: number): void {
    const fields = (Object.keys(changes) as (keyof Item)[]).sort();
    const key = fields.join(',');
    let statement = this.#updateStatements.get(key);
    if (!statement) {
      const assignments = fields.map((field) => `${itemColumns[field]} = @${field}`);
      statement = this.#db.prepare(
        `UPDATE items SET ${[...assignments, 'updated_at = @updatedAt'].join(', ')} WHERE id = @id`,
      );
      this.#updateStatements.set(key, statement);
    }
    const values: Record<string, unknown> = { id: itemId, updatedAt: now };
    const source = changes as Partial<Record<keyof Item, unknown>>;
    for (const field of fields) values[field] = toColumnValue(field, source[field]);
    const { changes: changed } = statement.run(values);
    if (changed !== 1) throw new StoreInvariantError(`Item ${itemId} does not exist`);
  }
}

/**
 * The newest row (highest id) a lookup matches. SQLite 3.54 (in better-sqlite3 13) prepares a
 * statement with `column = ?` and ORDER BY anew on every run: ~24 µs for an item row by path,
 * against ~2.6 µs for the same lookup unordered (issue 7, figure 2: three such lookups were half
 * of intake's work per file). So `unordered` (the same WHERE, `LIMIT 2`) answers the usual case,
 * none or one match; only two or more run `ordered` (ORDER BY id DESC LIMIT 1).
 */
function newestOf(unordered: Statement, ordered: Statement, parameters: unknown[]): unknown {
  const rows = unordered.all(...parameters);
  return rows.length < 2 ? rows[0] : ordered.get(...parameters);
}

/** An item after an update of `changes` and `state` at `now`, as a read of its row returns it. */
function withChanges(item: Item, changes: ItemChanges, state: ItemState, now: number): Item {
  const updated: Record<string, unknown> = { ...item, state, updatedAt: now };
  for (const [field, value] of Object.entries(changes) as [keyof ItemChanges, unknown][]) {
    const stored = toColumnValue(field, value);
    updated[field] =
      field === 'request' && typeof stored === 'string' ? (JSON.parse(stored) as unknown) : stored;
  }
  return updated as unknown as Item;
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

function prepareStatements(db: Database) {
  return {
    insertItem: db.prepare(`
      INSERT INTO items (folder_id, relative_path, size_bytes, mtime_ms, sha256, quick_xor_hash,
        request_json, target_path, library, state, first_queued_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    getItem: db.prepare('SELECT * FROM items WHERE id = ?'),
    getState: db.prepare('SELECT state FROM items WHERE id = ?').pluck(),
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
    upsertOutbox: db.prepare(`
      INSERT INTO outbox (item_id, available_at) VALUES (?, ?)
      ON CONFLICT (item_id) DO UPDATE SET available_at = excluded.available_at,
        claimed_by = NULL, claimed_at = NULL`),
    // A new item has no outbox row yet: a plain insert, without upsertOutbox's conflict step.
    insertOutbox: db.prepare('INSERT INTO outbox (item_id, available_at) VALUES (?, ?)'),
    deleteOutbox: db.prepare('DELETE FROM outbox WHERE item_id = ?'),
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
    setOutboxAvailableAt: db.prepare('UPDATE outbox SET available_at = ? WHERE item_id = ?'),
    releaseClaim: db.prepare(
      'UPDATE outbox SET claimed_by = NULL, claimed_at = NULL WHERE item_id = ? AND claimed_by = ?',
    ),
    releaseAllClaims: db.prepare(
      'UPDATE outbox SET claimed_by = NULL, claimed_at = NULL WHERE claimed_by IS NOT NULL',
    ),
    insertEvent: db.prepare('INSERT INTO events (at, type, item_id, data) VALUES (?, ?, ?, ?)'),
    savepoint: db.prepare('SAVEPOINT store_nested'),
    releaseSavepoint: db.prepare('RELEASE store_nested'),
    rollbackToSavepoint: db.prepare('ROLLBACK TO store_nested'),
    eventsSince: db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
    lastSeq: db.prepare('SELECT max(seq) AS seq FROM events'),
    itemEvents: db.prepare('SELECT * FROM events WHERE item_id = ? ORDER BY seq DESC LIMIT ?'),
    // Grouped as items_by_state is ordered (migration 4): one scan of that index, no sort.
    countsByFolder: db.prepare(
      'SELECT folder_id, state, count(*) AS n FROM items GROUP BY state, folder_id',
    ),
    startAttempt: db.prepare('INSERT INTO attempts (item_id, started_at) VALUES (?, ?)'),
    finishAttempt: db.prepare(`
      UPDATE attempts SET ended_at = @ended_at, outcome = @outcome, http_status = @http_status,
        error_code = @error_code, error_message = @error_message WHERE id = @id`),
    listAttempts: db.prepare('SELECT * FROM attempts WHERE item_id = ? ORDER BY id'),
    discardAttempt: db.prepare('DELETE FROM attempts WHERE id = ? AND ended_at IS NULL'),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
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
    conditions.push(
      "(relative_path LIKE @search ESCAPE '\\' OR request_json LIKE @search ESCAPE '\\')",
    );
    parameters.search = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
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

function eventFromRow(row: Record<string, unknown>): LoggedEvent {
  return {
    seq: row.seq as number,
    at: row.at as number,
    type: row.type,
    data: JSON.parse(row.data as string),
  } as LoggedEvent;
}
