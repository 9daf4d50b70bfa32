/**
 * The activity list's rows: a virtualized list (only the rows in view exist in the DOM) with a
 * fixed row height in rem, never measured, and one memoized row per item.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useSyncExternalStore } from 'react';
import type { ItemView } from '../../../shared/feed-protocol.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
import { StateBadge } from '../../components/state-badge.tsx';
import { ItemUploadProgress } from '../../components/upload-progress.tsx';
import type { Feed } from '../../feed/feed-context.tsx';
import type { ItemProgress } from '../../feed/feed-state.ts';
import { formatTime } from '../../format/format.ts';
import { Link } from '../../router.tsx';
import type { ItemWindow } from './item-window.ts';
import { rowHeightPx, stackedRowQuery } from './row-height.ts';

/** Rows are keyed by index modulo at least this (more than the rows in view). */
const minRowSlots = 64;

/**
 * The scrolling part, on its own so that scrolling re-renders only it (not the filters). Rows
 * are keyed by slot (index modulo a number larger than the rows in view), so a row scrolled out
 * is reused for the row scrolled in: React updates its text instead of replacing its elements.
 */
export const ActivityRows = memo(function ActivityRows(props: {
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
        <ItemUploadProgress name={name} item={item} progress={progress} />
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
