/**
 * An item's details in words: folder, path, size, where it goes, its times and attempts. A
 * set-aside file goes nowhere and was never queued, so it shows when it was set aside instead.
 * The number and hashes are in Technical details (`technical-details.tsx`).
 */
import type { CommandResult, ItemView } from '../../../shared/feed-protocol.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
import type { FeedState } from '../../feed/feed-state.ts';
import { formatDateTime } from '../../format/format.ts';
import { Link } from '../../router.tsx';

type Detail = CommandResult<'getItem'>;

/** The Details card. */
export function ItemFacts(props: { item: ItemView; detail: Detail; feedState: FeedState }) {
  const { item, detail } = props;
  const folder = props.feedState.folders.find((candidate) => candidate.id === item.folderId);
  const isSetAside = item.state === 'quarantined';
  return (
    <section className="card" aria-labelledby="details-title">
      <h2 id="details-title">Details</h2>
      <dl className="pairs">
        <dt>Folder</dt>
        <dd>{folder?.label ?? item.folderId}</dd>
        <dt>File</dt>
        <dd className="path">{item.path}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(item.sizeBytes)}</dd>
        {isSetAside ? (
          <>
            <dt>Set aside</dt>
            <dd>{formatDateTime(item.updatedAt)}</dd>
          </>
        ) : (
          <>
            <dt>Goes to</dt>
            <dd className="path">{item.targetPath ?? 'Decided when it is sent'}</dd>
            <dt>First queued</dt>
            <dd>{formatDateTime(item.firstQueuedAt)}</dd>
            <dt>Last change</dt>
            <dd>{formatDateTime(item.updatedAt)}</dd>
            <dt>Attempts</dt>
            <dd>
              <AttemptCount detail={detail} />
            </dd>
          </>
        )}
        {item.duplicateOfItemId !== null ? (
          <>
            <dt>Same content as</dt>
            <dd>
              <Link to={`/items/${item.duplicateOfItemId}`}>file {item.duplicateOfItemId}</Link>
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

/**
 * Every attempt the table below lists, and when Retry started the count over (delivery's own
 * count, which its retry policy uses), how many of them came since.
 */
function AttemptCount(props: { detail: Detail }) {
  const all = props.detail.attempts.length;
  const sinceRetry = props.detail.item.attempts;
  if (sinceRetry >= all) return <>{all}</>;
  return (
    <>
      {all} ({sinceRetry} since it was last queued again)
    </>
  );
}
