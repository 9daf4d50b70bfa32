import type { Database } from 'better-sqlite3';
import type { AgentEvent, LoggedEvent } from '../../../shared/events.ts';
import type { ItemState } from '../../../shared/item-state.ts';
import type { EventBus } from '../events/index.ts';
import type { Clock } from '../lifecycle/index.ts';
import { Attempts, type Attempt, type AttemptResult } from './attempts.ts';
import { EventLog } from './event-log.ts';
import type { Item, ItemChanges, PathVersion } from './item.ts';
import { ItemQueries, type ItemFilter } from './item-queries.ts';
import { ItemRows } from './item-rows.ts';
import { ItemTransitions } from './items.ts';
import { Meta } from './meta.ts';
import { openDatabase, type DatabaseRecovery } from './open-database.ts';
import { Outbox } from './outbox.ts';
import { ResponseInbox } from './responses/response-inbox.ts';
import { Transactions } from './transactions.ts';

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
 * The durable heart of the agent: items, the delivery outbox, the event log and attempts, on one
 * database connection. Each part is a module of its own (transactions, item rows and their
 * transitions, item queries, outbox, event log, attempts, meta); the store opens the database,
 * builds them once and answers for them, so that the other capabilities see one object.
 *
 * Every state change of an item and its event are written in one transaction; the bus hears
 * of the events only after commit (docs/architecture.md, rules 1 and 2). Statements are
 * prepared once. Transactions are synchronous and IMMEDIATE, so a claim never races a writer.
 */
export class Store {
  readonly recovery: DatabaseRecovery | undefined;
  /** See ItemTransitions.insertItem: a new file version, its event and (queued) outbox row. */
  readonly insertItem: ItemTransitions['insertItem'];
  /** See ItemTransitions.transitionItem: a state change with its event and outbox row. */
  readonly transitionItem: ItemTransitions['transitionItem'];
  /** See ItemTransitions.recordDelivered: verifying and delivered, and the attempt's end. */
  readonly recordDelivered: ItemTransitions['recordDelivered'];
  /** The responses inbox: remote file versions to bring back, their lifecycle, delta links. */
  readonly responses: ResponseInbox;
  readonly #db: Database;
  readonly #parts: StoreParts;
  #isClosed = false;

  private constructor(db: Database, recovery: DatabaseRecovery | undefined, options: StoreOptions) {
    this.#db = db;
    this.recovery = recovery;
    this.#parts = buildParts(db, options);
    const { items } = this.#parts;
    this.insertItem = items.insertItem.bind(items);
    this.transitionItem = items.transitionItem.bind(items);
    this.recordDelivered = items.recordDelivered.bind(items);
    this.responses = this.#parts.responses;
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
    return this.#parts.transactions.run(fn);
  }

  /**
   * Runs fn in the open transaction with no savepoint for the transactions nested in it: one of
   * them that throws leaves its writes half done, so a throw out of fn must end the whole
   * transaction (the group commit's run with no savepoints; see GroupCommit.runSingleWrite).
   */
  withoutSavepoints<T>(fn: () => T): T {
    return this.#parts.transactions.withoutSavepoints(fn);
  }

  /**
   * Runs fn in one read transaction (DEFERRED; a savepoint when nested), so that several reads
   * see one state of the database even while another process writes (the feed's snapshot).
   */
  readConsistently<T>(fn: () => T): T {
    return this.#parts.transactions.readConsistently(fn);
  }

  /** Appends an event to the log (within the current transaction, or its own). */
  appendEvent(event: AgentEvent, itemId: number | null = null): LoggedEvent {
    return this.#parts.events.append(event, itemId);
  }

  /** Logged events after `afterSeq`, oldest first, at most `limit`. */
  readEventsSince(afterSeq: number, limit: number): LoggedEvent[] {
    return this.#parts.events.readSince(afterSeq, limit);
  }

  /** The newest logged event's sequence number (0 when the log is empty). */
  lastEventSeq(): number {
    return this.#parts.events.lastSeq();
  }

  /** The latest `limit` logged events of one item, oldest first. */
  listItemEvents(itemId: number, limit: number): LoggedEvent[] {
    return this.#parts.events.listOfItem(itemId, limit);
  }

  /** The latest `limit` logged events of one response (its state history), oldest first. */
  listResponseEvents(responseId: number, limit: number): LoggedEvent[] {
    return this.#parts.events.listOfResponse(responseId, limit);
  }

  /** See ItemTransitions.requeueItem: a finished item back in the queue, its attempts cleared. */
  requeueItem(itemId: number, reason: 'retry' | 'changed' | 'restarted' = 'retry'): Item {
    return this.#parts.items.requeueItem(itemId, reason);
  }

  /** Changes fields of an item without a state change or event (e.g. the next upload offset). */
  updateItem(itemId: number, changes: ItemChanges): Item {
    return this.#parts.items.updateItem(itemId, changes);
  }

  /** One item, or undefined. */
  getItem(itemId: number): Item | undefined {
    return this.#parts.rows.get(itemId);
  }

  /** The ids of every failed item, oldest first. */
  listFailedItemIds(): number[] {
    return this.#parts.queries.listFailedItemIds();
  }

  /** The newest item recorded for a file in a folder. */
  findLatestItemForPath(folderId: string, relativePath: string): Item | undefined {
    return this.#parts.queries.findLatestItemForPath(folderId, relativePath);
  }

  /** See ItemQueries.findDeliveredDuplicate: a delivered item of the same content and target. */
  findDeliveredDuplicate(sha256: string, targetPath: string, library: string): Item | undefined {
    return this.#parts.queries.findDeliveredDuplicate(sha256, targetPath, library);
  }

  /** See ItemQueries.findLatestVersion: the version of a path the latest item stands for. */
  findLatestVersion(folderId: string, relativePath: string): PathVersion | undefined {
    return this.#parts.queries.findLatestVersion(folderId, relativePath);
  }

  /** See ItemQueries.iteratePathsInStates: a folder's paths in some states, one at a time. */
  iteratePathsInStates(
    folderId: string,
    states: readonly ItemState[],
    directory?: string,
  ): IterableIterator<string> {
    return this.#parts.queries.iteratePathsInStates(folderId, states, directory);
  }

  /** How many of a folder's items are in the given states (`directory` as for iteratePathsInStates). */
  countPathsInStates(folderId: string, states: readonly ItemState[], directory?: string): number {
    return this.#parts.queries.countPathsInStates(folderId, states, directory);
  }

  /** How many items are in each state (every state present, zeros included). */
  countsByState(): Record<ItemState, number> {
    return this.#parts.queries.countsByState();
  }

  /** How many items each folder has in each state (folders without items are absent). */
  countsByFolderAndState(): Map<string, Record<ItemState, number>> {
    return this.#parts.queries.countsByFolderAndState();
  }

  /** A page of items, newest first. */
  listItems(filter: ItemFilter): Item[] {
    return this.#parts.queries.listItems(filter);
  }

  /** See Outbox.claimDeliveries: up to `limit` due items claimed for `owner` in one step. */
  claimDeliveries(owner: string, excludedFolderIds: readonly string[], limit: number): Item[] {
    return this.#parts.outbox.claimDeliveries(owner, excludedFolderIds, limit);
  }

  /** Gives a claimed item back to the outbox (e.g. on shutdown before it was started). */
  releaseClaim(itemId: number, owner: string): void {
    this.#parts.outbox.releaseClaim(itemId, owner);
  }

  /** Releases every claim: at start, claims of a process that died are void. */
  releaseAllClaims(): number {
    return this.#parts.outbox.releaseAllClaims();
  }

  /** When the next unclaimed outbox row falls due (epoch ms), or null when none waits. */
  nextDeliveryDueAt(excludedFolderIds: readonly string[] = []): number | null {
    return this.#parts.outbox.nextDeliveryDueAt(excludedFolderIds);
  }

  /** See Outbox.makeRetryingDueNow: every waiting retry due now ("Try now"). */
  makeRetryingDueNow(): number[] {
    return this.#parts.outbox.makeRetryingDueNow();
  }

  /** See Outbox.rescheduleAfterClockJump: waits given again from now after the clock went back. */
  rescheduleAfterClockJump(): number {
    return this.#parts.outbox.rescheduleAfterClockJump();
  }

  /** Starts an attempt row for an item; returns its id. */
  startAttempt(itemId: number): number {
    return this.#parts.attempts.start(itemId);
  }

  /** Records how an attempt ended. */
  finishAttempt(attemptId: number, result: AttemptResult): void {
    this.#parts.attempts.finish(attemptId, result);
  }

  /** Removes an attempt that never sent anything (only an attempt that has not ended). */
  discardAttempt(attemptId: number): void {
    this.#parts.attempts.discard(attemptId);
  }

  /** Every attempt of an item, oldest first. */
  listAttempts(itemId: number): Attempt[] {
    return this.#parts.attempts.list(itemId);
  }

  /** A small persistent value (e.g. cached SharePoint ids). */
  getMeta(key: string): string | undefined {
    return this.#parts.meta.get(key);
  }

  /** Stores a small persistent value. */
  setMeta(key: string, value: string): void {
    this.#parts.meta.set(key, value);
  }

  /** Closes the database (checkpointing the WAL). Idempotent. */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#db.close();
  }
}

/** The store's modules, built once on its connection. */
interface StoreParts {
  transactions: Transactions;
  events: EventLog;
  attempts: Attempts;
  rows: ItemRows;
  queries: ItemQueries;
  outbox: Outbox;
  items: ItemTransitions;
  meta: Meta;
  responses: ResponseInbox;
}

function buildParts(db: Database, { clock, bus }: StoreOptions): StoreParts {
  const transactions = new Transactions(db, bus);
  const events = new EventLog(db, clock, transactions);
  const attempts = new Attempts(db, clock);
  const rows = new ItemRows(db);
  const outbox = new Outbox(db, { clock, transactions, rows, events });
  return {
    transactions,
    events,
    attempts,
    rows,
    queries: new ItemQueries(db),
    outbox,
    items: new ItemTransitions({ clock, transactions, rows, outbox, events, attempts }),
    meta: new Meta(db),
    responses: new ResponseInbox(db, { clock, transactions, events }),
  };
}
