/**
 * One item: its problem in words, the request metadata, every attempt with its time, HTTP
 * status and error, the target path, its history, and Retry / Cancel. Refreshes
 * itself when an event about the item arrives.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CommandResult } from '../../shared/feed-protocol.ts';
import { terminalItemStates } from '../../shared/item-state.ts';
import { ProblemNotice } from '../components/problem-notice.tsx';
import { StateBadge } from '../components/state-badge.tsx';
import { UploadProgress } from '../components/upload-progress.tsx';
import { desktopApi } from '../desktop-bridge.ts';
import { useFeedState } from '../feed/feed-context.tsx';
import { FeedCommandError } from '../feed/feed-connection.ts';
import { formatBytes } from '../../shared/format/bytes.ts';
import { formatDateTime } from '../format/format.ts';
import { Link } from '../router.tsx';
import { useRetryOutcome } from './retry-outcome.ts';

type Detail = CommandResult<'getItem'>;

const refreshDelayMs = 150;

/** The item detail screen for one item id. */
export function ItemDetail(props: { itemId: number; onName?: (name: string) => void }) {
  const feed = useFeedState();
  const { itemId } = props;
  const [detail, setDetail] = useState<Detail | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [actionMessage, setActionMessage] = useState<{ text: string; isError: boolean }>();
  const [isConfirmingCancel, setIsConfirmingCancel] = useState(false);
  const isReady = feed.status.kind === 'open';

  const load = useCallback(() => {
    feed.connection?.request('getItem', { itemId }).then(
      (result) => {
        feed.state.rememberItem(result.item);
        setDetail(result);
        setLoadError(undefined);
      },
      (failure: unknown) =>
        setLoadError(
          failure instanceof FeedCommandError && failure.code === 'item.not-found'
            ? `There is no file with number ${itemId}.`
            : failure instanceof Error
              ? failure.message
              : String(failure),
        ),
    );
  }, [feed.connection, feed.state, itemId]);

  useEffect(() => {
    if (isReady) load();
  }, [isReady, load]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = feed.state.onDidChangeItem(({ event }) => {
      if (!('itemId' in event.data) || event.data.itemId !== itemId) return;
      clearTimeout(timer);
      timer = setTimeout(load, refreshDelayMs);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [feed.state, itemId, load]);

  const retryOutcome = useRetryOutcome(feed.state, itemId);
  const run = (command: 'retryItem' | 'cancelItem') => {
    setIsConfirmingCancel(false);
    setActionMessage(undefined);
    if (command === 'retryItem') retryOutcome.startRetry();
    else retryOutcome.clear();
    feed.connection?.request(command, { itemId }).then(
      () => {
        if (command === 'cancelItem') setActionMessage({ text: 'Cancelled.', isError: false });
        load();
      },
      (failure: unknown) => {
        retryOutcome.clear();
        setActionMessage({
          text: failure instanceof Error ? failure.message : String(failure),
          isError: true,
        });
      },
    );
  };

  /** In the desktop window: the file (or, once it is gone, its folder) in the file manager. */
  const showItemInFolder = desktopApi()?.showItemInFolder;
  const showInFolder = (location: { folderId: string; path: string }) => {
    if (!showItemInFolder) return;
    setActionMessage(undefined);
    showItemInFolder({ folderId: location.folderId, path: location.path }).then(
      (isShown) => {
        if (!isShown)
          setActionMessage({
            text: 'Neither the file nor its watched folder is on this computer any more.',
            isError: true,
          });
      },
      (failure: unknown) =>
        setActionMessage({
          text: failure instanceof Error ? failure.message : String(failure),
          isError: true,
        }),
    );
  };

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
  const folder = feed.state.folders.find((candidate) => candidate.id === item.folderId);
  const canRetry = item.state === 'failed' || item.state === 'cancelled';
  const canCancel = !terminalItemStates.includes(item.state);

  return (
    <div className="stack item-detail" data-item-id={item.id}>
      <p>
        <Link to="/activity">← Back to Activity</Link>
      </p>
      <div className="item-heading">
        <StateBadge state={item.state} />
        <span className="item-path">{item.path}</span>
        <span className="muted small">File {item.id}</span>
      </div>
      {item.state === 'uploading' ? (
        <UploadProgress
          name={name}
          sentBytes={progress?.sentBytes ?? 0}
          totalBytes={progress?.totalBytes ?? item.sizeBytes}
        />
      ) : null}
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
      <div className="actions">
        {showItemInFolder ? (
          <button type="button" onClick={() => showInFolder(item)}>
            Show in folder
          </button>
        ) : null}
        {canRetry ? (
          <button type="button" className="primary" onClick={() => run('retryItem')}>
            Retry
          </button>
        ) : null}
        {canCancel && !isConfirmingCancel ? (
          <button type="button" onClick={() => setIsConfirmingCancel(true)}>
            Cancel upload
          </button>
        ) : null}
        {isConfirmingCancel ? (
          <span role="group" aria-label="Confirm cancelling">
            Cancel the upload of {name}?{' '}
            <button type="button" className="danger" onClick={() => run('cancelItem')}>
              Yes, cancel it
            </button>{' '}
            <button type="button" onClick={() => setIsConfirmingCancel(false)}>
              Keep it
            </button>
          </span>
        ) : null}
        {/* Always present, so what is put in it is announced. */}
        <span role="status">
          {actionMessage && !actionMessage.isError ? actionMessage.text : retryOutcome.text}
        </span>
        {actionMessage?.isError ? (
          <span role="alert" className="error-text">
            {actionMessage.text}
          </span>
        ) : null}
      </div>

      <section className="card" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl className="pairs">
          <dt>Folder</dt>
          <dd>{folder?.label ?? item.folderId}</dd>
          <dt>File</dt>
          <dd className="path">{item.path}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(item.sizeBytes)}</dd>
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
          {item.duplicateOfItemId !== null ? (
            <>
              <dt>Same content as</dt>
              <dd>
                <Link to={`/items/${item.duplicateOfItemId}`}>file {item.duplicateOfItemId}</Link>
              </dd>
            </>
          ) : null}
          <dt>SHA-256</dt>
          <dd className="hash">{item.sha256 ?? '—'}</dd>
          <dt>quickXorHash</dt>
          <dd className="hash">{item.quickXorHash ?? '—'}</dd>
        </dl>
      </section>

      {item.request !== null ? (
        <section className="card" aria-labelledby="request-title">
          <h2 id="request-title">Request</h2>
          <dl className="pairs">
            {Object.entries(item.request).map(([key, value]) => (
              <div key={key} className="pair">
                <dt>{key}</dt>
                <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}

      <section className="card" aria-labelledby="attempts-title">
        <h2 id="attempts-title">Attempts</h2>
        {detail.attempts.length === 0 ? (
          <p>No upload attempt yet.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Started</th>
                  <th scope="col">Ended</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">HTTP status</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {detail.attempts.map((attempt, index) => (
                  <tr key={attempt.id}>
                    <td>{index + 1}</td>
                    <td>{formatDateTime(attempt.startedAt)}</td>
                    <td>
                      {attempt.endedAt === null ? 'In progress' : formatDateTime(attempt.endedAt)}
                    </td>
                    <td>{attempt.outcome ?? '—'}</td>
                    <td>{attempt.httpStatus ?? '—'}</td>
                    <td>
                      {attempt.errorMessage ?? '—'}
                      {attempt.errorCode ? (
                        <div className="muted small">
                          <code>{attempt.errorCode}</code>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <ol className="history">
          {detail.events.map((event) => (
            <li key={event.seq}>
              <time dateTime={new Date(event.at).toISOString()}>{formatDateTime(event.at)}</time>{' '}
              {describeEvent(event.type)}
              {event.type === 'item.archived' ? (
                <>
                  : <code>{event.data.archivePath}</code>
                </>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
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

function describeEvent(type: string): string {
  const words: Record<string, string> = {
    'item.queued': 'Queued for delivery',
    'item.uploading': 'Upload started',
    'item.verifying': 'Checking the copy in SharePoint',
    'item.delivered': 'Delivered',
    'item.retrying': 'Attempt failed; waiting to try again',
    'item.failed': 'Failed: needs a person',
    'item.quarantined': 'Set aside: cannot be sent as it is',
    'item.skipped': 'Skipped: already in SharePoint',
    'item.gone': 'The file was removed before it was sent',
    'item.cancelled': 'Cancelled',
    'item.archived': 'The local file was moved to the archive folder',
    'item.local-deleted': 'The local file was deleted, as the folder’s settings ask',
  };
  return words[type] ?? type;
}
