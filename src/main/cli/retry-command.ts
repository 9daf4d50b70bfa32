import { EventBus } from '../core/events/index.ts';
import { systemClock } from '../core/lifecycle/index.ts';
import { Store } from '../core/store/index.ts';

/** Options of `sitedrop retry`. */
export interface RetryOptions {
  dataDir: string;
  /** One item id, or every failed item. */
  target: number | 'all-failed';
}

/**
 * Puts failed items back in the queue. Safe while the agent runs: the write goes through
 * SQLite's locking, and the agent's delivery loop picks the items up.
 *
 * @returns the text to print.
 */
export function runRetry(options: RetryOptions): string {
  const bus = new EventBus(() => undefined);
  const store = Store.open({
    dataDir: options.dataDir,
    clock: systemClock,
    bus,
    isRecoveryAllowed: false,
  });
  try {
    const ids = options.target === 'all-failed' ? store.listFailedItemIds() : [options.target];
    if (ids.length === 0) return 'No failed items to retry.';
    for (const id of ids) {
      const item = store.getItem(id);
      if (!item)
        throw new Error(`There is no item #${id}. See the ids with: sitedrop status --all`);
      if (item.state !== 'failed' && item.state !== 'cancelled') {
        throw new Error(
          `Item #${id} is ${item.state}; only failed or cancelled items can be retried.`,
        );
      }
      store.requeueItem(id, 'retry');
    }
    return `Queued again: ${ids.map((id) => `#${id}`).join(', ')}.`;
  } finally {
    store.close();
  }
}
