/**
 * Activity: every item, newest first, in a virtualized list that stays smooth with 100,000
 * items (only the rows in view exist in the DOM; pages of 500 are fetched with the protocol's
 * listItems as the person scrolls). Filter by state and folder, search by name or request id;
 * the filters live in the address (`?state=failed&folder=office&q=…`) so they can be linked.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import type { ItemFilterParams, ItemView, StateCounts } from '../../shared/feed-protocol.ts';
import { feedMaxPageSize } from '../../shared/feed-protocol.ts';
import { itemStates, pendingItemStates, type ItemState } from '../../shared/item-state.ts';
import { StateBadge, stateLabels } from '../components/state-badge.tsx';
import { UploadProgress } from '../components/upload-progress.tsx';
import { useFeedState, type Feed } from '../feed/feed-context.tsx';
import type { ItemProgress } from '../feed/feed-state.ts';
import { FeedCommandError } from '../feed/feed-connection.ts';
import { formatBytes, formatCount, formatTime } from '../format/format.ts';
import { Link, navigate, useLocation } from '../router.tsx';

/** State filters beyond single states: groups people think in. */
const stateGroups: Readonly<Record<string, { label: string; states: readonly ItemState[] }>> = {
  pending: { label: 'On their way', states: pendingItemStates },
  problems: { label: 'Problems', states: ['failed', 'retrying', 'quarantined'] },
};

const searchDelayMs = 250;
const loadAheadRows = 50;

interface ListState {
  ids: number[];
  nextCursor: number | null;
  isLoading: boolean;
  error: string | undefined;
}

/** The activity screen. */
export function ActivityList() {
  const feed = useFeedState();
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  const stateFilter = params.get('state') ?? '';
  const folderFilter = params.get('folder') ?? '';
  const query = params.get('q') ?? '';
  const filter = buildFilter(stateFilter, folderFilter, query);
  const filterKey = JSON.stringify(filter);
  const isReady = feed.status.kind === 'open' && feed.state.hasSnapshot;

  const [list, setList] = useState<ListState>({
    ids: [],
    nextCursor: null,
    isLoading: true,
    error: undefined,
  });
  const generation = useRef(0);
  const isLoadingMore = useRef(false);

  const loadPage = useCallback(
    (beforeId: number | undefined) => {
      const connection = feed.connection;
      if (!connection) return;
      const myGeneration = generation.current;
      isLoadingMore.current = true;
      setList((previous) => ({ ...previous, isLoading: true, error: undefined }));
      const pageFilter: ItemFilterParams = {
        ...(JSON.parse(filterKey) as ItemFilterParams),
        limit: feedMaxPageSize,
        ...(beforeId === undefined ? {} : { beforeId }),
      };
      connection.request('listItems', { filter: pageFilter }).then(
        (result) => {
          if (generation.current !== myGeneration) return;
          isLoadingMore.current = false;
          for (const item of result.items) feed.state.rememberItem(item);
          setList((previous) => {
            const ids = beforeId === undefined ? [] : previous.ids;
            // The list is newest first (largest id first): a page continues below the last id,
            // so only ids below it are new. No Set of every loaded id per page: with 100,000
            // loaded that alone took several milliseconds a page.
            const lastId = ids.at(-1);
            const added = result.items
              .map((item) => item.id)
              .filter((id) => lastId === undefined || id < lastId);
            return {
              ids: ids.concat(added),
              nextCursor: result.nextCursor,
              isLoading: false,
              error: undefined,
            };
          });
        },
        (failure: unknown) => {
          if (generation.current !== myGeneration) return;
          isLoadingMore.current = false;
          setList((previous) => ({
            ...previous,
            isLoading: false,
            error: failure instanceof FeedCommandError ? failure.message : String(failure),
          }));
        },
      );
    },
    [feed.connection, feed.state, filterKey],
  );

  // The first page, again whenever the filter changes or the feed was reset.
  useEffect(() => {
    if (!isReady) return;
    generation.current += 1;
    loadPage(undefined);
    return feed.state.onDidReset(() => {
      generation.current += 1;
      loadPage(undefined);
    });
  }, [isReady, loadPage, feed.state]);

  // Newly queued items that match the filter appear at the top as they arrive.
  useEffect(() => {
    const parsedFilter = JSON.parse(filterKey) as ItemFilterParams;
    return feed.state.onDidChangeItem(({ event, item }) => {
      if (event.type !== 'item.queued' || item === undefined) return;
      if (!matchesFilter(item, parsedFilter)) return;
      setList((previous) =>
        previous.ids.includes(item.id)
          ? previous
          : { ...previous, ids: [item.id, ...previous.ids] },
      );
    });
  }, [feed.state, filterKey]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const rowCount = list.ids.length + (list.nextCursor !== null ? 1 : 0);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 72,
    overscan: 8,
    getItemKey: (index) => list.ids[index] ?? 'more',
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastVisibleIndex = virtualRows.at(-1)?.index ?? 0;

  useEffect(() => {
    if (list.nextCursor === null || isLoadingMore.current) return;
    if (lastVisibleIndex >= list.ids.length - loadAheadRows) loadPage(list.nextCursor);
  }, [lastVisibleIndex, list.ids.length, list.nextCursor, loadPage]);

  const total = matchingTotal(feed, stateFilter, folderFilter, query);

  return (
    <div className="stack activity">
      <Filters stateFilter={stateFilter} folderFilter={folderFilter} query={query} feed={feed} />
      <p className="muted" role="status" aria-live="polite" data-testid="activity-summary">
        {list.isLoading && list.ids.length === 0
          ? 'Loading…'
          : total !== undefined
            ? `${formatCount(total)} file${total === 1 ? '' : 's'}`
            : `${formatCount(list.ids.length)}${list.nextCursor !== null ? '+' : ''} matching file${list.ids.length === 1 ? '' : 's'}`}
      </p>
      {list.error ? (
        <p role="alert" className="error-text">
          {list.error}
        </p>
      ) : null}
      {!list.isLoading && list.ids.length === 0 && !list.error ? (
        <p>
          {stateFilter || folderFilter || query
            ? 'No file matches these filters.'
            : 'No files yet. Files dropped into a watched folder appear here within seconds.'}
        </p>
      ) : null}
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
          {virtualRows.map((row) => {
            const id = list.ids[row.index];
            const item = id === undefined ? undefined : feed.state.items.get(id);
            return (
              <li
                key={row.key}
                data-index={row.index}
                ref={virtualizer.measureElement}
                className="activity-row"
                style={{ transform: `translateY(${row.start}px)` }}
                aria-setsize={list.nextCursor === null ? list.ids.length : -1}
                aria-posinset={row.index + 1}
              >
                {item === undefined ? (
                  <span className="muted">Loading more…</span>
                ) : (
                  <ActivityRow
                    item={item}
                    progress={feed.state.progress.get(item.id)}
                    folderLabel={
                      feed.state.folders.find((folder) => folder.id === item.folderId)?.label ??
                      item.folderId
                    }
                  />
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
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
        <div className="muted small">
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
          <div className="small tone-text-warn">
            Will try again at {formatTime(item.nextAttemptAt)}
            {item.errorMessage ? `: ${item.errorMessage}` : ''}
          </div>
        ) : null}
        {(item.state === 'failed' || item.state === 'quarantined') && item.errorMessage ? (
          <div className="small tone-text-bad">{item.errorMessage}</div>
        ) : null}
      </div>
      <div className="row-size small">{formatBytes(item.sizeBytes)}</div>
      <div className="row-time small">
        <time dateTime={new Date(item.updatedAt).toISOString()}>{formatTime(item.updatedAt)}</time>
      </div>
      <div className="row-link small">
        {item.state === 'delivered' && item.remoteUrl ? (
          <a href={item.remoteUrl} target="_blank" rel="noreferrer" className="sharepoint-link">
            Open in SharePoint<span className="visually-hidden"> ({name})</span>
          </a>
        ) : null}
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
          value={props.stateFilter}
          onChange={(event: ChangeEvent<HTMLSelectElement>) =>
            setParam('state', event.target.value)
          }
        >
          <option value="">All states</option>
          {Object.entries(stateGroups).map(([value, group]) => (
            <option key={value} value={value}>
              {group.label}
            </option>
          ))}
          {itemStates
            .filter((itemState) => itemState !== 'detected')
            .map((itemState) => (
              <option key={itemState} value={itemState}>
                {stateLabels[itemState]}
              </option>
            ))}
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
  const group = stateGroups[stateFilter];
  if (group) return group.states;
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
