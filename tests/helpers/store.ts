import type { LoggedEvent } from '../../src/shared/events.ts';
import { EventBus } from '../../src/main/core/events/index.ts';
import { Store, type NewItem } from '../../src/main/core/store/index.ts';
import { onTestFinished } from 'vitest';
import { TestClock } from './test-clock.ts';

/** A store on a real SQLite file in dataDir, with a test clock and a record of published events. */
export function openTestStore(dataDir: string) {
  const clock = new TestClock();
  const published: LoggedEvent[] = [];
  const bus = new EventBus((error) => {
    throw error;
  });
  bus.onDidAny((event) => {
    if (event.seq !== undefined) published.push(event);
  });
  const store = Store.open({ dataDir, clock, bus });
  onTestFinished(() => store.close());
  return { store, clock, bus, published };
}

/** A new file version with plausible values; override what the test cares about. */
export function buildNewItem(overrides: Partial<NewItem> = {}): NewItem {
  return {
    folderId: 'requests',
    relativePath: 'site-a/report.pdf',
    sizeBytes: 1234,
    mtimeMs: 1_700_000_000_000,
    sha256: 'a'.repeat(64),
    quickXorHash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    targetPath: 'Requests/site-a/report.pdf',
    ...overrides,
  };
}

/** Queues a new item the way intake does. */
export function queueItem(store: Store, overrides: Partial<NewItem> = {}) {
  const newItem = buildNewItem(overrides);
  return store.insertItem(newItem, 'queued', {
    folderId: newItem.folderId,
    path: newItem.relativePath,
    sizeBytes: newItem.sizeBytes,
    reason: 'new',
  });
}

/**
 * Claims the next item due for delivery for `owner`, as delivery's worker pool claims its free
 * slots (Store.claimDeliveries), one at a time.
 */
export function claimNext(store: Store, owner: string, excludedFolderIds: readonly string[] = []) {
  return store.claimDeliveries(owner, excludedFolderIds, 1)[0];
}
