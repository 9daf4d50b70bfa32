/**
 * Activity: every item, newest first, in a virtualized list that stays smooth with 100,000
 * items. Only the rows in view exist in the DOM; rows have a fixed height in rem (never
 * measured); the first rows are the snapshot's newest items, pages of 200 are fetched with the
 * protocol's listItems as the person scrolls, and only the pages near the viewport keep their
 * items (ItemWindow): far pages are dropped and fetched again on the way back. Filter by state
 * and folder, search by name or request id; the filters live in the address
 * (`?state=failed&folder=office&q=…`) so they can be linked.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useEffect,
  useId,
  useReducer,
  useRef,
  useState,
  useSyncExternalStore,
  type ChangeEvent,
} from 'react';
import type { ItemFilterParams, ItemView, StateCounts } from '../../shared/feed-protocol.ts';
import { itemStates, type ItemState } from '../../shared/item-state.ts';
import {
  isItemStateGroupKey,
  itemStateGroupKeys,
  itemStateGroups,
  itemStateLabels,
} from '../../shared/state-vocabulary.ts';
import { StateBadge } from '../components/state-badge.tsx';
import { UploadProgress } from '../components/upload-progress.tsx';
import { useFeedState, type Feed } from '../feed/feed-context.tsx';
import type { ItemChange, ItemProgress } from '../feed/feed-state.ts';
import { FeedCommandError } from '../feed/feed-connection.ts';
import { formatCount } from '../../shared/format/count.ts';
import { formatBytes } from '../../shared/format/bytes.ts';
import { formatTime } from '../format/format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { ItemWindow } from './activity/item-window.ts';
import { rowHeightPx, stackedRowQuery } from './activity/row-height.ts';

/** Group filters of older links, read as the group that now says the same. */
const formerGroupKeys: Readonly<Record<string, string>> = {
  pending: 'on-its-way',
  problems: 'needs-you',
};

/** States offered one by one: the members of groups of several (the others are their group). */
const singleStateChoices: readonly ItemState[] = itemStateGroupKeys
  .map((key) => itemStateGroups[key].states)
  .filter((states) => states.length > 1)
  .flat()
  .filter((itemState) => itemState !== 'detected');

const searchDelayMs = 250;
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
/** Rows are keyed by index modulo at least this (more than the rows in view). */
const minRowSlots = 64;

interface LoadStatus {
  isLoading: boolean;
  error: string | undefined;
}
// The same objects every time, so setting an unchanged status does not re-render.
const loadingStatus: LoadStatus = { isLoading: true, error: undefined };
const loadedStatus: LoadStatus = { isLoading: false, error: undefined };

/** The activity screen. */
export function ActivityList() {
  const feed = useFeedState();
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  const stateFilter = params.get('state') ?? '';
  const folderFilter = params.get('folder') ?? '';
  const query = params.get('q') ?? '';
  const filterKey = JSON.stringify(buildFilter(stateFilter, folderFilter, query));
  const isReady = feed.status.kind === 'open' && feed.state.hasSnapshot;

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

  // Live events change the rows they concern, when those are held; queued items newer than
  // every row that match the filter appear at the top. A file set aside or skipped as it is
  // recorded has no queued event, and its event carries no name: it is fetched, then goes on
  // top the same way.
  useEffect(() => {
    const parsedFilter = JSON.parse(filterKey) as ItemFilterParams;
    let isCurrent = true;
    const off = feed.state.onDidChangeItem((change) => {
      const itemWindow = windowRef.current;
      if (itemWindow && applyItemChange(itemWindow, change, parsedFilter)) rerender();
      const { event } = change;
      if (change.item !== undefined || !recordedWithoutQueueing.has(event.type)) return;
      if (!('itemId' in event.data)) return;
      feed.connection?.request('getItem', { itemId: event.data.itemId }).then(
        ({ item }) => {
          const current = windowRef.current;
          if (!isCurrent || !current) return;
          if (matchesFilter(item, parsedFilter) && current.prepend(item, true)) rerender();
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

  const total = matchingTotal(feed, stateFilter, folderFilter, query);
  const loaded = rows.rowCount;

  return (
    <div className="stack activity">
      <Filters stateFilter={stateFilter} folderFilter={folderFilter} query={query} feed={feed} />
      <p className="muted" role="status" aria-live="polite" data-testid="activity-summary">
        {status.isLoading && loaded === 0
          ? 'Loading…'
          : total !== undefined
            ? `${formatCount(total)} file${total === 1 ? '' : 's'}`
            : `${formatCount(loaded)}${rows.hasMore ? '+' : ''} matching file${loaded === 1 ? '' : 's'}`}
      </p>
      {status.error ? (
        <p role="alert" className="error-text">
          {status.error}
        </p>
      ) : null}
      {!status.isLoading && loaded === 0 && !status.error ? (
        <p>
          {stateFilter || folderFilter || query
            ? 'No file matches these filters.'
            : 'No files yet. Files dropped into a watched folder appear here within seconds.'}
        </p>
      ) : null}
      <ActivityRows
        rows={rows}
        rowsVersion={rows.version}
        feed={feed}
        feedVersion={feed.state.version}
        onRange={onRange}
      />
    </div>
  );
}

/**
 * The scrolling part, on its own so that scrolling re-renders only it (not the filters). Rows
 * are keyed by slot (index modulo a number larger than the rows in view), so a row scrolled out
 * is reused for the row scrolled in: React updates its text instead of replacing its elements.
 */
const ActivityRows = memo(function ActivityRows(props: {
  rows: ItemWindow;
  /** Changes whenever a row could show something else. */
  rowsVersion: number;
  feed: Feed;
  /** Changes whenever the feed's state (progress, folders) changes. */
  feedVersion: number;
  onRange: (first: number, last: number) => void;
}) {
  const { rows, feed, onRange, rowsVersion } = props;
  const rowHeight = useRowHeight();
  const scrollRef = useRef<HTMLDivElement>(null);
  const loaded = rows.rowCount;
  const virtualizer = useVirtualizer({
    count: loaded + (rows.hasMore && loaded > 0 ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 2,
    useFlushSync: false,
  });
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);
  const virtualRows = virtualizer.getVirtualItems();
  const first = virtualRows[0]?.index ?? 0;
  const last = virtualRows.at(-1)?.index ?? 0;
  useEffect(() => onRange(first, last), [onRange, first, last, rowsVersion]);
  const slots = Math.max(minRowSlots, virtualRows.length * 2);

  return (
    <div
      ref={scrollRef}
      className="activity-scroll"
      tabIndex={0}
      role="region"
      aria-label="Files, newest first"
    >
      <ul
        className="activity-rows"
        style={{ height: `${virtualizer.getTotalSize()}px` }}
        aria-label="Files"
      >
        {virtualRows.map((virtualRow) => {
          const row = rows.rowAt(virtualRow.index);
          return (
            <li
              key={virtualRow.index % slots}
              className="activity-row"
              style={{
                height: `${rowHeight}px`,
                transform: `translateY(${virtualRow.start}px)`,
              }}
              aria-setsize={rows.hasMore ? -1 : loaded}
              aria-posinset={virtualRow.index + 1}
            >
              {row.kind === 'item' ? (
                <ActivityRow
                  item={row.item}
                  progress={
                    row.item.state === 'uploading'
                      ? feed.state.progress.get(row.item.id)
                      : undefined
                  }
                  folderLabel={folderLabelOf(feed, row.item.folderId)}
                />
              ) : (
                <span className="muted">{row.kind === 'end' ? 'Loading more…' : 'Loading…'}</span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
});

/** A folder's label (its id when it has none, or is no longer watched). */
function folderLabelOf(feed: Feed, folderId: string): string {
  return feed.state.folders.find((folder) => folder.id === folderId)?.label ?? folderId;
}

/** The rows' height in CSS pixels, from the root font size and the layout; follows resizes. */
function useRowHeight(): number {
  return useSyncExternalStore(subscribeToLayout, currentRowHeight);
}

let cachedRowHeight: number | undefined;

function subscribeToLayout(onChange: () => void): () => void {
  const query = window.matchMedia(stackedRowQuery);
  const update = () => {
    cachedRowHeight = undefined;
    onChange();
  };
  query.addEventListener('change', update);
  window.addEventListener('resize', update);
  return () => {
    query.removeEventListener('change', update);
    window.removeEventListener('resize', update);
  };
}

/** Read once per layout change (not per render: reading a computed style can force a style pass). */
function currentRowHeight(): number {
  cachedRowHeight ??= rowHeightPx(
    Number.parseFloat(getComputedStyle(document.documentElement).fontSize),
    window.matchMedia(stackedRowQuery).matches,
  );
  return cachedRowHeight;
}

/**
 * One row. Memoized on what it shows, so a page arriving or another item's event re-renders
 * only the rows that changed (the activity list stays smooth with 100,000 items).
 */
const ActivityRow = memo(function ActivityRow(props: {
  item: ItemView;
  progress: ItemProgress | undefined;
  folderLabel: string;
}) {
  const { item, progress, folderLabel } = props;
  const name = item.path.split('/').at(-1) ?? item.path;
  const requestId =
    typeof item.request?.['request_id'] === 'string' ? item.request['request_id'] : undefined;
  return (
    <article className="row-grid" data-item-id={item.id} data-state={item.state} aria-label={name}>
      <div className="row-state">
        <StateBadge state={item.state} />
      </div>
      <div className="row-main">
        <Link to={`/items/${item.id}`} className="row-name">
          {item.path}
        </Link>
        <div className="muted small row-line">
          {folderLabel}
          {requestId ? ` · request ${requestId}` : ''}
        </div>
        {item.state === 'uploading' ? (
          <UploadProgress
            name={name}
            sentBytes={progress?.sentBytes ?? 0}
            totalBytes={progress?.totalBytes ?? item.sizeBytes}
          />
        ) : null}
        {item.state === 'retrying' && item.nextAttemptAt !== null ? (
          <div className="small row-line tone-text-warn">
            Will try again at {formatTime(item.nextAttemptAt)}
            {item.errorMessage ? `: ${item.errorMessage}` : ''}
          </div>
        ) : null}
        {(item.state === 'failed' || item.state === 'quarantined') && item.errorMessage ? (
          <div className="small row-line tone-text-bad">{item.errorMessage}</div>
        ) : null}
      </div>
      <div className="row-meta small">
        <span className="row-size">{formatBytes(item.sizeBytes)}</span>
        <span className="row-time">
          <time dateTime={new Date(item.updatedAt).toISOString()}>
            {formatTime(item.updatedAt)}
          </time>
        </span>
        <span className="row-link">
          {item.state === 'delivered' && item.remoteUrl ? (
            <a href={item.remoteUrl} target="_blank" rel="noreferrer" className="sharepoint-link">
              Open in SharePoint<span className="visually-hidden"> ({name})</span>
            </a>
          ) : null}
        </span>
      </div>
    </article>
  );
});

function Filters(props: { stateFilter: string; folderFilter: string; query: string; feed: Feed }) {
  const stateId = useId();
  const folderId = useId();
  const searchId = useId();
  const [searchText, setSearchText] = useState(props.query);
  const setParam = useCallback((name: string, value: string) => {
    const params = new URLSearchParams(window.location.search);
    if (value === '') params.delete(name);
    else params.set(name, value);
    const search = params.toString();
    navigate(`/activity${search ? `?${search}` : ''}`, { replace: true });
  }, []);
  useEffect(() => setSearchText(props.query), [props.query]);
  useEffect(() => {
    if (searchText === props.query) return;
    const timer = setTimeout(() => setParam('q', searchText.trim()), searchDelayMs);
    return () => clearTimeout(timer);
  }, [searchText, props.query, setParam]);

  return (
    <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor={stateId}>State</label>
        <select
          id={stateId}
          value={formerGroupKeys[props.stateFilter] ?? props.stateFilter}
          onChange={(event: ChangeEvent<HTMLSelectElement>) =>
            setParam('state', event.target.value)
          }
        >
          <option value="">All states</option>
          <optgroup label="Groups">
            {itemStateGroupKeys.map((key) => (
              <option key={key} value={key}>
                {itemStateGroups[key].label}
              </option>
            ))}
          </optgroup>
          <optgroup label="One state">
            {singleStateChoices.map((itemState) => (
              <option key={itemState} value={itemState}>
                {itemStateLabels[itemState]}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      <div className="field">
        <label htmlFor={folderId}>Folder</label>
        <select
          id={folderId}
          value={props.folderFilter}
          onChange={(event: ChangeEvent<HTMLSelectElement>) =>
            setParam('folder', event.target.value)
          }
        >
          <option value="">All folders</option>
          {props.feed.state.folders.map((folder) => (
            <option key={folder.id} value={folder.id}>
              {folder.label ?? folder.id}
            </option>
          ))}
        </select>
      </div>
      <div className="field grow">
        <label htmlFor={searchId}>Search by name or request id</label>
        <input
          id={searchId}
          type="search"
          value={searchText}
          maxLength={200}
          onChange={(event) => setSearchText(event.target.value)}
        />
      </div>
    </form>
  );
}

function statesOf(stateFilter: string): readonly ItemState[] | undefined {
  if (stateFilter === '') return undefined;
  const groupKey = formerGroupKeys[stateFilter] ?? stateFilter;
  if (isItemStateGroupKey(groupKey)) return itemStateGroups[groupKey].states;
  return (itemStates as readonly string[]).includes(stateFilter)
    ? [stateFilter as ItemState]
    : undefined;
}

function buildFilter(stateFilter: string, folderFilter: string, query: string): ItemFilterParams {
  const states = statesOf(stateFilter);
  return {
    ...(states ? { states: [...states] } : {}),
    ...(folderFilter ? { folderId: folderFilter } : {}),
    ...(query ? { search: query } : {}),
  };
}

/** Events of a file recorded straight into its state, without an `item.queued` before. */
const recordedWithoutQueueing: ReadonlySet<string> = new Set(['item.quarantined', 'item.skipped']);

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

function matchesFilter(item: ItemView, filter: ItemFilterParams): boolean {
  if (filter.states && !filter.states.includes(item.state)) return false;
  if (filter.folderId && filter.folderId !== item.folderId) return false;
  if (filter.search && !item.path.toLowerCase().includes(filter.search.toLowerCase())) return false;
  return true;
}

/** The number of matching items when the counts tell it (no search), else undefined. */
function matchingTotal(
  feed: Feed,
  stateFilter: string,
  folderFilter: string,
  query: string,
): number | undefined {
  if (query !== '') return undefined;
  let counts: StateCounts | undefined = feed.state.counts;
  if (folderFilter !== '') {
    counts = feed.state.folders.find((folder) => folder.id === folderFilter)?.counts;
  }
  if (counts === undefined) return undefined;
  const states = statesOf(stateFilter) ?? itemStates;
  return states.reduce((total, itemState) => total + (counts[itemState] ?? 0), 0);
}
