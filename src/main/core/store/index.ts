/**
 * The store: the agent's SQLite database.
 *
 * Owns: the schema and its migrations, items, the delivery outbox, the append-only event log,
 * attempts, the responses inbox and its delta links, small persistent values, integrity checks and corrupt-database recovery.
 * Does not own: deciding what happens to an item (intake and delivery do), or the wire format
 * of events (src/shared). Listeners hear of changes through the event bus, after commit.
 */
export { Store, type StoreOptions } from './store.ts';
export { StoreInvariantError } from './errors.ts';
export { countItemsByState, listItemRows, type ItemFilter } from './item-queries.ts';
export type { TransitionEventData } from './items.ts';
export type { Attempt, AttemptResult } from './attempts.ts';
export {
  createGroupCommit,
  type GroupCommit,
  type StepResult,
  type TryStep,
} from './group-commit.ts';
export type { Item, ItemChanges, NewItem, PathVersion } from './item.ts';
export { itemFromRow, newVersionFields } from './item.ts';
export { latestEventOfTypes, latestItemEventsOfTypes } from './latest-item-events.ts';
export {
  databaseFileName,
  openDatabase,
  openDatabaseReadOnly,
  type DatabaseRecovery,
} from './open-database.ts';
export type { ReadyResponse, ResponseInbox } from './responses/response-inbox.ts';
export {
  listResponses,
  toStatusResponse,
  type StatusResponse,
} from './responses/response-queries.ts';
export type { RemoteChange, ResponseChanges, ResponseRecord } from './responses/response-record.ts';
export { latestSchemaVersion, migrate, migrations, SchemaTooNewError } from './migrations.ts';
