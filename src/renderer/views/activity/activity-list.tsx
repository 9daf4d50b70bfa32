/**
 * Activity: every item, newest first, in a virtualized list that stays smooth with 100,000
 * items. The filters (`activity-filters.tsx`) live in the address; the rows come in pages
 * (`use-item-pages.ts`) and only those in view are drawn (`activity-rows.tsx`).
 */
import type { StateCounts } from '../../../shared/feed-protocol.ts';
import { itemStates } from '../../../shared/item-state.ts';
import { formatCount } from '../../../shared/format/count.ts';
import { useState } from 'react';
import { desktopApi } from '../../desktop-bridge.ts';
import { useFeedState, type Feed } from '../../feed/feed-context.tsx';
import { useLocation } from '../../router.tsx';
import { ResponsesActivity } from '../responses/responses-activity.tsx';
import { buildFilter, Filters, responsesFilter, statesOf } from './activity-filters.tsx';
import { ActivityRows } from './activity-rows.tsx';
import { useItemPages } from './use-item-pages.ts';

/** The activity screen: files, or with the Responses filter head office's responses. */
export function ActivityList() {
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  return params.get('state') === responsesFilter ? <ResponsesActivity /> : <FileActivity />;
}

/** Every file, filtered as the address says. */
function FileActivity() {
  const feed = useFeedState();
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  const stateFilter = params.get('state') ?? '';
  const folderFilter = params.get('folder') ?? '';
  const query = params.get('q') ?? '';
  const filterKey = JSON.stringify(buildFilter(stateFilter, folderFilter, query));
  const isReady = feed.status.kind === 'open' && feed.state.hasSnapshot;
  const { rows, status, onRange } = useItemPages(feed, filterKey, isReady);

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
        stateFilter || folderFilter || query ? (
          <p>No file matches these filters.</p>
        ) : (
          <NoFilesYet feed={feed} />
        )
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
 * The empty list names the folders to drop files into, with their paths on this computer; in the
 * desktop window each has a button that opens it in the file manager (a browser cannot).
 */
function NoFilesYet(props: { feed: Feed }) {
  const { folders } = props.feed.state;
  const openWatchedFolder = desktopApi()?.openWatchedFolder;
  const [failure, setFailure] = useState('');
  const open = async (folderId: string) => {
    const isOpened = await openWatchedFolder?.(folderId).catch(() => false);
    setFailure(isOpened === true ? '' : 'That folder is not on this computer any more.');
  };
  return (
    <div data-testid="no-files-yet">
      <p>No files yet. Files dropped into a watched folder appear here within seconds:</p>
      <ul>
        {folders.map((folder) => (
          <li key={folder.id}>
            {folder.label ?? folder.id}: <code className="path">{folder.path}</code>
            {openWatchedFolder ? (
              <>
                {' '}
                <button type="button" onClick={() => void open(folder.id)}>
                  Open {folder.label ?? folder.id}
                </button>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      <p role="alert">{failure}</p>
    </div>
  );
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
