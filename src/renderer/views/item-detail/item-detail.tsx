/**
 * One item, by card: its heading and link, its problem in words, what can be done with it
 * (`item-actions.tsx`), where a set-aside file and its note are (`set-aside-note.tsx`), its
 * details (`item-facts.tsx`) and request (`components/request-card.tsx`), every attempt
 * (`attempts-table.tsx`), its history (`item-history.tsx`) and, closed, its technical details
 * (`technical-details.tsx`). Refreshes itself when an event about the item arrives
 * (`use-item-detail.ts`).
 */
import { useEffect } from 'react';
import { ProblemNotice } from '../../components/problem-notice.tsx';
import { StateBadge } from '../../components/state-badge.tsx';
import { ItemUploadProgress } from '../../components/upload-progress.tsx';
import { useFeedState } from '../../feed/feed-context.tsx';
import { Link } from '../../router.tsx';
import { AttemptsTable } from './attempts-table.tsx';
import { ItemActions } from './item-actions.tsx';
import { RequestCard } from '../../components/request-card.tsx';
import { ItemFacts } from './item-facts.tsx';
import { ItemHistory } from './item-history.tsx';
import { SetAsideNote } from './set-aside-note.tsx';
import { TechnicalDetails } from './technical-details.tsx';
import { ItemResponses } from '../responses/item-responses.tsx';
import { useItemDetail } from './use-item-detail.ts';

/** The item detail screen for one item id. */
export function ItemDetail(props: { itemId: number; onName?: (name: string) => void }) {
  const feed = useFeedState();
  const { itemId } = props;
  const { detail, loadError, load } = useItemDetail(feed, itemId);
  const fileName = detail ? (detail.item.path.split('/').at(-1) ?? detail.item.path) : undefined;
  const { onName } = props;
  useEffect(() => {
    if (fileName !== undefined) onName?.(fileName);
  }, [fileName, onName]);

  if (loadError !== undefined && detail === undefined) {
    return (
      <div className="stack">
        <p role="alert">{loadError}</p>
        <p>
          <Link to="/activity">Back to Activity</Link>
        </p>
      </div>
    );
  }
  if (detail === undefined) return <p className="muted">Loading…</p>;

  // Prefer the live copy (events update it between fetches).
  const item = feed.state.items.get(itemId) ?? detail.item;
  const name = item.path.split('/').at(-1) ?? item.path;
  const progress = feed.state.progress.get(itemId);
  const isSetAside = item.state === 'quarantined';

  return (
    <div className="stack item-detail" data-item-id={item.id}>
      <p>
        <Link to="/activity">← Back to Activity</Link>
      </p>
      <div className="item-heading">
        <StateBadge state={item.state} />
        <span className="item-path">{item.path}</span>
      </div>
      <ItemUploadProgress name={name} item={item} progress={progress} />
      {item.state === 'delivered' && item.remoteUrl ? (
        <p>
          <a href={item.remoteUrl} target="_blank" rel="noreferrer" className="sharepoint-link">
            Open {name} in SharePoint
          </a>
        </p>
      ) : null}
      {item.state === 'delivered' && item.verificationNote ? (
        <p className="muted small verification-note">{item.verificationNote}</p>
      ) : null}
      <ProblemNotice item={item} />
      <ItemActions feed={feed} item={item} load={load} />
      {isSetAside && detail.setAside ? (
        <SetAsideNote itemId={item.id} setAside={detail.setAside} />
      ) : null}
      <ItemFacts item={item} detail={detail} feedState={feed.state} />
      {item.request !== null ? <RequestCard request={item.request} /> : null}
      {typeof item.request?.request_id === 'string' ? (
        <ItemResponses feed={feed} requestId={item.request.request_id} />
      ) : null}
      {/* A set-aside file is never sent: it has no attempts to list. */}
      {isSetAside ? null : <AttemptsTable attempts={detail.attempts} />}
      <ItemHistory events={detail.events} />
      <TechnicalDetails item={item} attempts={detail.attempts} />
    </div>
  );
}
