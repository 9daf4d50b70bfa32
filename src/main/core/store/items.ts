import {
  eventTypeByState,
  type AgentEvent,
  type EventData,
  type TargetItemState,
} from '../../../shared/events.ts';
import { canTransition, type ItemState } from '../../../shared/item-state.ts';
import type { Clock } from '../lifecycle/index.ts';
import type { Attempts } from './attempts.ts';
import { StoreInvariantError } from './errors.ts';
import type { EventLog } from './event-log.ts';
import {
  newVersionFields,
  toColumnValue,
  type Item,
  type ItemChanges,
  type NewItem,
} from './item.ts';
import { withChanges, type ItemRows } from './item-rows.ts';
import type { Outbox } from './outbox.ts';
import type { Transactions } from './transactions.ts';

/** The data of the event that records entering state S, without the item id. */
export type TransitionEventData<S extends TargetItemState> = Omit<
  EventData<(typeof eventTypeByState)[S]>,
  'itemId'
>;

/** What item transitions need of the rest of the store. */
export interface ItemTransitionParts {
  clock: Clock;
  transactions: Transactions;
  rows: ItemRows;
  outbox: Outbox;
  events: EventLog;
  attempts: Attempts;
}

/**
 * The item lifecycle's writes: each state change of an item, its outbox row and its event in one
 * transaction (docs/architecture.md, rule 1), fenced by the state the item must be in.
 */
export class ItemTransitions {
  readonly #parts: ItemTransitionParts;

  constructor(parts: ItemTransitionParts) {
    this.#parts = parts;
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
    const { clock, transactions, rows, outbox, events } = this.#parts;
    return transactions.run(() => {
      const now = clock.now();
      const requestJson = toColumnValue('request', newItem.request) as string | null;
      const id = rows.insert(newItem, requestJson, state, now);
      const hasChanges = Object.keys(changes).length > 0;
      if (hasChanges) rows.update(id, changes, now);
      if (state === 'queued') outbox.insertNew(id, now);
      events.append(
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
    const { clock, transactions, rows, outbox, events } = this.#parts;
    return transactions.run(() => {
      const current = rows.getExisting(itemId);
      if (expectedFrom && !expectedFrom.includes(current.state)) {
        throw new StoreInvariantError(
          `Item ${itemId} is ${current.state}, expected ${expectedFrom.join(' or ')} before ${to}`,
        );
      }
      if (!canTransition(current.state, to)) {
        throw new StoreInvariantError(`Item ${itemId} cannot move from ${current.state} to ${to}`);
      }
      const now = clock.now();
      rows.update(itemId, { ...changes, state: to } as ItemChanges, now);
      if (to === 'queued') {
        outbox.schedule(itemId, now);
      } else if (to === 'retrying') {
        outbox.schedule(itemId, changes.nextAttemptAt ?? now);
      } else if (to !== 'uploading' && to !== 'verifying') {
        outbox.remove(itemId);
      }
      const type = eventTypeByState[to];
      events.append({ type, data: { ...eventData, itemId } } as unknown as AgentEvent, itemId);
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
    const { clock, transactions, rows, outbox, events, attempts } = this.#parts;
    transactions.run(() => {
      const state = rows.getState(itemId);
      if (state === undefined) throw new StoreInvariantError(`Item ${itemId} does not exist`);
      if (state !== 'uploading' && state !== 'verifying') {
        throw new StoreInvariantError(
          `Item ${itemId} is ${state}, expected uploading or verifying before delivered`,
        );
      }
      const now = clock.now();
      rows.update(itemId, { ...changes, state: 'delivered' } as ItemChanges, now);
      outbox.remove(itemId);
      if (state === 'uploading') {
        events.append({ type: 'item.verifying', data: { itemId } }, itemId);
      }
      events.append({ type: 'item.delivered', data: { ...eventData, itemId } }, itemId);
      attempts.finish(attemptId, {
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
    const { clock, transactions, rows } = this.#parts;
    return transactions.run(() => {
      const item = rows.getExisting(itemId);
      return this.transitionItem(
        itemId,
        'queued',
        { folderId: item.folderId, path: item.relativePath, sizeBytes: item.sizeBytes, reason },
        {
          attempts: 0,
          nextAttemptAt: null,
          lastErrorCode: null,
          lastErrorMessage: null,
          firstQueuedAt: clock.now(),
        },
      );
    });
  }

  /** Changes fields of an item without a state change or event (e.g. the next upload offset). */
  updateItem(itemId: number, changes: ItemChanges): Item {
    const { clock, transactions, rows } = this.#parts;
    return transactions.run(() => {
      rows.update(itemId, changes, clock.now());
      return rows.getExisting(itemId);
    });
  }
}
