/**
 * The activity list's rows as pages: the first rows are the snapshot's newest items (without
 * filters) or the first page of listItems, the next pages are fetched as the person scrolls, and
 * only the pages near the view keep their items (ItemWindow): far pages are dropped and fetched
 * again on the way back. Live events change the rows they concern.
 */
import { useCallback, useEffect, useReducer, useRef, useState, type RefObject } from 'react';
import type { ItemFilterParams, ItemView } from '../../../shared/feed-protocol.ts';
import { matchesItemSearch } from '../../../shared/item-search.ts';
import type { Feed } from '../../feed/feed-context.tsx';
import { FeedCommandError } from '../../feed/feed-connection.ts';
import type { ItemChange } from '../../feed/feed-state.ts';
import { buildFilter } from './activity-filters.tsx';
import { ItemWindow } from './item-window.ts';

/**
 * Rows a fetched page holds (the protocol allows up to 500). The page checks every message
 * against the protocol's schemas, and under its Content-Security-Policy zod cannot compile them:
 * checking a page of 500 items can be a long task (over 50 ms) on a slow host, and a page of 200
 * stays well under it (docs/performance.md, "Why the code is shaped so", UI; measured by
 * tests/e2e/activity-100k.measure.spec.ts).
 */
const pageSize = 200;
/** Fetch the next page when the view comes within this many rows of the loaded end. */
const loadAheadRows = 100;
/** Fetch a dropped page again when it comes within this many rows of the view. */
const refetchMarginRows = 100;
/** Keep the items of pages within this many rows of the view; drop the others. */
const keepRows = 600;
/** Whether a page is being fetched, and why the last fetch failed. */
export interface LoadStatus {
  isLoading: boolean;
  error: string | undefined;
}
// The same objects every time, so setting an unchanged status does not re-render.
const loadingStatus: LoadStatus = { isLoading: true, error: undefined };
const loadedStatus: LoadStatus = { isLoading: false, error: undefined };

/**
 * The rows of the list for a filter (`filterKey`, the listItems filter as JSON), their load
 * status, and `onRange` to call with the rows in view.
 */
export function useItemPages(feed: Feed, filterKey: string, isReady: boolean) {
  const windowRef = useRef<ItemWindow>(null);
  windowRef.current ??= new ItemWindow(pageSize);
  const rows = windowRef.current;
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  const [status, setStatus] = useState<LoadStatus>(loadingStatus);
  const generation = useRef(0);
  /** The beforeIds being fetched ('top' for the first page), so none is asked for twice. */
  const inFlight = useRef(new Set<number | 'top'>());

  const fetchPage = useCallback(
    (beforeId: number | undefined, kind: 'next' | 'again') => {
      const connection = feed.connection;
      if (!connection) return;
      const key = beforeId ?? 'top';
      if (inFlight.current.has(key)) return;
      inFlight.current.add(key);
      const myGeneration = generation.current;
      if (kind === 'next') setStatus(loadingStatus);
      const pageFilter: ItemFilterParams = {
        ...(JSON.parse(filterKey) as ItemFilterParams),
        limit: pageSize,
        ...(beforeId === undefined ? {} : { beforeId }),
      };
      connection.request('listItems', { filter: pageFilter }).then(
        (result) => {
          if (generation.current !== myGeneration) return;
          inFlight.current.delete(key);
          const itemWindow = windowRef.current;
          if (!itemWindow) return;
          const isTaken =
            kind === 'next'
              ? itemWindow.appendPage(beforeId, result.items, result.nextCursor)
              : itemWindow.fillPage(beforeId, result.items);
          if (kind === 'next') setStatus(loadedStatus);
          if (isTaken) rerender();
        },
        (failure: unknown) => {
          if (generation.current !== myGeneration) return;
          inFlight.current.delete(key);
          setStatus({
            isLoading: false,
            error: failure instanceof FeedCommandError ? failure.message : String(failure),
          });
        },
      );
    },
    [feed.connection, filterKey],
  );

  // The first page, again whenever the filter changes or the feed was reset.
  useEffect(() => {
    if (!isReady) return;
    const restart = () => {
      generation.current += 1;
      inFlight.current.clear();
      const itemWindow = windowRef.current;
      itemWindow?.reset();
      // Without filters the first page is the snapshot's newest items, with what changed since
      // applied as the live events are: the first rows need no round trip.
      const page = filterKey === unfilteredKey ? feed.state.takeSnapshotPage() : undefined;
      if (itemWindow && page) {
        itemWindow.appendPage(undefined, page.items, page.nextCursor);
        for (const change of page.changes) applyItemChange(itemWindow, change, {});
        setStatus(loadedStatus);
      } else {
        fetchPage(undefined, 'next');
      }
      rerender();
    };
    restart();
    return feed.state.onDidReset(restart);
  }, [isReady, fetchPage, feed.state, filterKey]);

  useLiveItemChanges(feed, filterKey, windowRef, rerender);

  // Keep the window around the view: drop far pages, fetch dropped ones that come near, and
  // the next page when the view nears the end of what is loaded.
  const onRange = useCallback(
    (first: number, last: number) => {
      const itemWindow = windowRef.current;
      if (!isReady || !itemWindow) return;
      itemWindow.dropFarPages(first, last, keepRows);
      for (const beforeId of itemWindow.droppedPagesNear(first, last, refetchMarginRows)) {
        fetchPage(beforeId, 'again');
      }
      const cursor = itemWindow.nextCursor;
      if (cursor !== null && cursor !== undefined && last >= itemWindow.rowCount - loadAheadRows) {
        fetchPage(cursor, 'next');
      }
    },
    [isReady, fetchPage],
  );

  return { rows, status, onRange };
}

function useLiveItemChanges(
  feed: Feed,
  filterKey: string,
  windowRef: RefObject<ItemWindow | null>,
  rerender: () => void,
) {
  // Live events change the rows they concern, when those are held; queued items newer than
  // every row that match the filter appear at the top. An item whose event does not tell enough
  // to match it is fetched first, then goes on top the same way (see fetchReason).
  useEffect(() => {
    const parsedFilter = JSON.parse(filterKey) as ItemFilterParams;
    let isCurrent = true;
    const off = feed.state.onDidChangeItem((change) => {
      const itemWindow = windowRef.current;
      if (itemWindow && applyItemChange(itemWindow, change, parsedFilter)) rerender();
      const reason = fetchReason(change, parsedFilter);
      if (reason === undefined || !('itemId' in change.event.data)) return;
      feed.connection?.request('getItem', { itemId: change.event.data.itemId }).then(
        ({ item }) => {
          const current = windowRef.current;
          if (!isCurrent || !current) return;
          if (matchesFilter(item, parsedFilter) && current.prepend(item, reason.isNew)) rerender();
        },
        // The page that holds it shows it once fetched; nothing to tell here.
        () => undefined,
      );
    });
    return () => {
      isCurrent = false;
      off();
    };
  }, [feed.state, feed.connection, filterKey]);
}

/** Events of a file recorded straight into its state, without an `item.queued` before. */
const recordedWithoutQueueing: ReadonlySet<string> = new Set(['item.quarantined', 'item.skipped']);

/**
 * Whether an item the event is about must be fetched to know if it matches the filter, and if
 * so whether it is new (see ItemWindow.prepend), or undefined when the event tells enough:
 * - a file set aside or skipped as it is recorded has no queued event, and its event names no
 *   file;
 * - a queued item is known from its event without its request metadata, so while a search is
 *   open one that matches everything but the search may still match by its request id.
 */
function fetchReason(
  { event, item }: ItemChange,
  filter: ItemFilterParams,
): { isNew: boolean } | undefined {
  if (item === undefined)
    return recordedWithoutQueueing.has(event.type) ? { isNew: true } : undefined;
  if (event.type !== 'item.queued' || filter.search === undefined || item.request !== null) {
    return undefined;
  }
  const { search, ...withoutSearch } = filter;
  if (matchesItemSearch(item, search) || !matchesFilter(item, withoutSearch)) return undefined;
  return { isNew: event.data.reason === 'new' };
}

/** The filter of the list that shows every item. */
const unfilteredKey = JSON.stringify(buildFilter('', '', ''));

/**
 * An item change on the rows: the row of that item changes if its page is held, and a queued
 * item newer than every row that matches the filter goes on top. Returns whether a row changed.
 */
function applyItemChange(
  itemWindow: ItemWindow,
  { event, item }: ItemChange,
  filter: ItemFilterParams,
): boolean {
  let isChanged = itemWindow.applyEvent(event);
  // Files found while the agent was away are queued as 'caught-up', not 'new'.
  if (event.type === 'item.queued' && item !== undefined && matchesFilter(item, filter)) {
    isChanged = itemWindow.prepend(item, event.data.reason === 'new') || isChanged;
  }
  return isChanged;
}

/** Whether the agent's listItems would list the item for this filter (one search rule for both). */
function matchesFilter(item: ItemView, filter: ItemFilterParams): boolean {
  if (filter.states && !filter.states.includes(item.state)) return false;
  if (filter.folderId && filter.folderId !== item.folderId) return false;
  return filter.search === undefined || matchesItemSearch(item, filter.search);
}
