import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../../src/shared/events.ts';
import type { ItemView } from '../../../src/shared/feed-protocol.ts';
import { newItemView } from '../../../src/renderer/feed/new-item-view.ts';
import { ItemWindow } from '../../../src/renderer/views/activity/item-window.ts';
import { rowHeightPx } from '../../../src/renderer/views/activity/row-height.ts';

function item(id: number, state: ItemView['state'] = 'delivered'): ItemView {
  return newItemView({
    id,
    folderId: 'office',
    path: `report-${id}.pdf`,
    state,
    sizeBytes: 1_000,
    at: 1,
  });
}

/** A store of ids 1..count, newest first, paged like listItems. */
function listItems(count: number, beforeId: number | undefined, limit: number) {
  const top = Math.min(count, (beforeId ?? count + 1) - 1);
  const ids: number[] = [];
  for (let id = top; id >= 1 && ids.length < limit; id -= 1) ids.push(id);
  const hasMore = ids.length === limit && ids.at(-1)! > 1;
  return { items: ids.map((id) => item(id)), nextCursor: hasMore ? ids.at(-1)! : null };
}

function loadAll(window: ItemWindow, count: number, limit: number, keepRows: number): void {
  while (window.hasMore) {
    const beforeId = window.nextCursor ?? undefined;
    const page = listItems(count, beforeId, limit);
    expect(window.appendPage(beforeId, page.items, page.nextCursor)).toBe(true);
    const last = window.rowCount - 1;
    window.dropFarPages(Math.max(0, last - 20), last, keepRows);
  }
}

describe('ItemWindow', () => {
  it('pages through 100,000 items holding only the pages near the view', () => {
    const window = new ItemWindow(500);
    loadAll(window, 100_000, 500, 600);
    expect(window.rowCount).toBe(100_000);
    expect(window.hasMore).toBe(false);
    expect(window.heldItemCount).toBeLessThanOrEqual(1_500);
    expect(window.rowAt(99_999)).toEqual({ kind: 'item', item: item(1) });
    expect(window.rowAt(0)).toEqual({ kind: 'pending' });
    expect(window.rowAt(100_000)).toEqual({ kind: 'end' });
  });

  it('fetches a dropped page again with its cursor, and its rows come back in place', () => {
    const window = new ItemWindow(500);
    loadAll(window, 5_000, 500, 600);
    expect(window.droppedPagesNear(1_200, 1_210, 100)).toEqual([4_001]);
    const page = listItems(5_000, 4_001, 500);
    expect(window.fillPage(4_001, page.items)).toBe(true);
    expect(window.rowAt(1_205)).toEqual({ kind: 'item', item: item(5_000 - 1_205) });
    expect(window.droppedPagesNear(1_200, 1_210, 100)).toEqual([]);
  });

  it('shortens a page fetched again when items left the filter, and moves the rows after it', () => {
    const window = new ItemWindow(3);
    for (const beforeId of [undefined, 7, 4]) {
      const page = listItems(9, beforeId, 3);
      window.appendPage(beforeId, page.items, page.nextCursor);
    }
    expect(window.rowCount).toBe(9);
    window.dropFarPages(8, 8, 0);
    const refetched = listItems(9, undefined, 3).items.filter((entry) => entry.id !== 8);
    expect(window.fillPage(undefined, refetched)).toBe(true);
    expect(window.rowCount).toBe(8);
    expect(window.rowAt(1)).toEqual({ kind: 'item', item: item(7) });
    expect(window.rowAt(7)).toEqual({ kind: 'item', item: item(1) });
  });

  it('ignores a page reply that a reset overtook', () => {
    const window = new ItemWindow(500);
    const first = listItems(1_000, undefined, 500);
    window.appendPage(undefined, first.items, first.nextCursor);
    window.reset();
    expect(window.appendPage(501, listItems(1_000, 501, 500).items, null)).toBe(false);
    expect(window.rowCount).toBe(0);
  });

  it('applies live events to held rows only, and puts new items on top', () => {
    const window = new ItemWindow(3);
    for (const beforeId of [undefined, 7, 4]) {
      const page = listItems(9, beforeId, 3);
      window.appendPage(beforeId, page.items, page.nextCursor);
    }
    window.dropFarPages(0, 0, 0);
    const failed: LoggedEvent = {
      seq: 1,
      at: 5,
      type: 'item.failed',
      data: { itemId: 8, errorCode: 'graph.forbidden', errorMessage: 'SharePoint refused it.' },
    } as LoggedEvent;
    expect(window.applyEvent(failed)).toBe(true);
    const row = window.rowAt(1);
    expect(row.kind === 'item' && row.item.state).toBe('failed');
    expect(row.kind === 'item' && row.item.errorMessage).toBe('SharePoint refused it.');
    // Item 2's page was dropped: nothing to change until it is fetched again.
    expect(
      window.applyEvent({ ...failed, data: { ...failed.data, itemId: 2 } } as LoggedEvent),
    ).toBe(false);

    // The first page is full (3 of 3): a new item opens a new first page.
    expect(window.prepend(item(10, 'queued'), true)).toBe(true);
    expect(window.rowCount).toBe(10);
    expect(window.rowAt(0)).toEqual({ kind: 'item', item: item(10, 'queued') });
    expect(window.prepend(item(10, 'queued'), true)).toBe(false);
    // A file caught up after a restart is newer than every held row: it goes on top too.
    expect(window.prepend(item(11, 'queued'), false)).toBe(true);
    // With the first page dropped, only an item known to be new is added.
    window.dropFarPages(50, 50, 0);
    expect(window.prepend(item(12, 'queued'), false)).toBe(false);
    expect(window.prepend(item(12, 'queued'), true)).toBe(true);
    expect(window.rowCount).toBe(12);
  });

  it('places an item fetched late (set aside as recorded) by its id among the newest rows', () => {
    const window = new ItemWindow(10);
    const page = listItems(5, undefined, 10);
    expect(window.appendPage(undefined, page.items, page.nextCursor)).toBe(true);
    // Item 7 was set aside; while it was being fetched, item 8 was queued and went on top.
    expect(window.prepend(item(8, 'queued'), true)).toBe(true);
    expect(window.prepend(item(7, 'quarantined'), true)).toBe(true);
    expect([0, 1, 2].map((index) => window.rowAt(index))).toEqual([
      { kind: 'item', item: item(8, 'queued') },
      { kind: 'item', item: item(7, 'quarantined') },
      { kind: 'item', item: item(5) },
    ]);
    expect(window.rowCount).toBe(7);
    // Already there: not added twice.
    expect(window.prepend(item(7, 'quarantined'), true)).toBe(false);
    expect(window.rowCount).toBe(7);
  });

  it('splits a full first page when a late item takes its place, so fetching it again loses none', () => {
    const window = new ItemWindow(4);
    // The first page is full: 10, 9, 7, 6 (8 was set aside and is fetched late).
    expect(
      window.appendPage(
        undefined,
        [10, 9, 7, 6].map((id) => item(id)),
        6,
      ),
    ).toBe(true);
    expect(window.prepend(item(8, 'quarantined'), true)).toBe(true);
    const ids = () =>
      [0, 1, 2, 3, 4].map((index) => {
        const row = window.rowAt(index);
        return row.kind === 'item' ? row.item.id : row.kind;
      });
    expect(ids()).toEqual([10, 9, 8, 7, 6]);
    // Both halves are dropped, then fetched again as listItems pages them (at most 4 each).
    window.dropFarPages(1_000, 1_000, 0);
    expect(ids()).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
    for (const beforeId of window.droppedPagesNear(0, 4, 0)) {
      const newest = [10, 9, 8, 7, 6, 5, 4].filter((id) => beforeId === undefined || id < beforeId);
      expect(
        window.fillPage(
          beforeId,
          newest.slice(0, 4).map((id) => item(id)),
        ),
      ).toBe(true);
    }
    expect(ids()).toEqual([10, 9, 8, 7, 6]);
  });
});

describe('rowHeightPx', () => {
  it('follows the root font size, and is taller when a row stacks', () => {
    expect(rowHeightPx(16, false)).toBe(88);
    expect(rowHeightPx(32, false)).toBe(176);
    expect(rowHeightPx(16, true)).toBe(112);
    expect(rowHeightPx(Number.NaN, false)).toBe(88);
  });
});
