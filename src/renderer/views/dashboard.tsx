/**
 * The dashboard: overall health in one glance, the SharePoint connection and its breaker,
 * each watched folder with its counts and availability, throughput and queue depth.
 */
import { useState } from 'react';
import type { ConnectionView, FolderView, StateCounts } from '../../shared/feed-protocol.ts';
import { overallHealth, type OverallHealth } from '../../shared/overall-health.ts';
import {
  countInGroup,
  itemStateGroupKeys,
  itemStateGroups,
} from '../../shared/state-vocabulary.ts';
import { ExportDiagnostics } from '../components/export-diagnostics.tsx';
import { useFeedState, type Feed } from '../feed/feed-context.tsx';
import { FeedCommandError } from '../feed/feed-connection.ts';
import { formatCount } from '../../shared/format/count.ts';
import { formatBytes } from '../../shared/format/bytes.ts';
import { formatIn, formatTime } from '../format/format.ts';
import { Link } from '../router.tsx';
import { useNow } from '../format/use-now.ts';
import { StateTiles } from './dashboard/state-tiles.tsx';

const healthWords: Readonly<Record<OverallHealth, { title: string; tone: string }>> = {
  ok: { title: 'All good', tone: 'good' },
  working: { title: 'Working', tone: 'busy' },
  paused: { title: 'Paused', tone: 'warn' },
  attention: { title: 'Needs attention', tone: 'bad' },
};

/** The dashboard screen. */
export function Dashboard() {
  const feed = useFeedState();
  const { state } = feed;
  const nowMs = useNow(1_000);
  const [retryAllMessage, setRetryAllMessage] = useState<string | undefined>();
  if (!state.hasSnapshot || state.counts === undefined || state.connection === undefined) {
    return <p className="muted">Loading the agent’s status…</p>;
  }
  const counts = state.counts;
  const connection = state.connection;
  const unavailable = state.folders.filter((folder) => folder.health.status === 'unavailable');
  const health = overallHealth({
    counts,
    isPaused: state.delivery.isPaused,
    breaker: connection.breaker,
    unavailableFolderCount: unavailable.length,
  });
  const onItsWay = countInGroup(counts, 'on-its-way');
  const willRetry = countInGroup(counts, 'will-retry');
  const throughput = state.throughput(nowMs);
  const reasons = healthReasons(
    counts,
    connection.breaker,
    unavailable,
    state.delivery.isPaused,
    connection.status === 'auth-failed',
  );

  return (
    <div className="stack">
      <section
        className={`card health tone-${healthWords[health].tone}`}
        aria-labelledby="health-title"
        data-health={health}
      >
        <h2 id="health-title">{healthWords[health].title}</h2>
        <p>{healthSentence(health, onItsWay, willRetry, counts)}</p>
        {reasons.length > 0 ? (
          <ul>
            {reasons.map((reason) => (
              <li key={reason.text}>
                {reason.link ? <Link to={reason.link}>{reason.text}</Link> : reason.text}
              </li>
            ))}
          </ul>
        ) : null}
        {counts.failed > 0 ? (
          <p>
            <RetryAllFailed feed={feed} count={counts.failed} onResult={setRetryAllMessage} />
          </p>
        ) : null}
        {/* Outside the button, which goes once no file is failed: the result stays readable and
            is announced, as a live region present before its text changes is. */}
        <p role="status" className="retry-all-result">
          {retryAllMessage}
        </p>
      </section>

      <div className="grid">
        <section className="card" aria-labelledby="sharepoint-title">
          <h2 id="sharepoint-title">SharePoint</h2>
          <p data-breaker={connection.breaker} data-connection-status={connection.status}>
            <strong>{connectionWords(connection.status, connection.breaker)}</strong>
          </p>
          <p>{connection.detail}</p>
          {connection.breaker === 'open' && connection.nextProbeAt !== null ? (
            <p>
              Next check at {formatTime(connection.nextProbeAt, nowMs)} (
              {formatIn(connection.nextProbeAt, nowMs)}).
            </p>
          ) : null}
          {!connection.isConfigured ? (
            <p>
              <Link to="/settings">Connect SharePoint in Settings</Link>
            </p>
          ) : null}
          <PauseButton feed={feed} folderId={null} isPaused={state.delivery.isPaused} />
        </section>

        <section className="card" aria-labelledby="throughput-title">
          <h2 id="throughput-title">Throughput</h2>
          <dl className="figures">
            <div>
              <dt>{itemStateGroups['on-its-way'].label}</dt>
              <dd data-testid="queue-depth">{formatCount(onItsWay)}</dd>
            </div>
            <div>
              <dt>{itemStateGroups['will-retry'].label}</dt>
              <dd>{formatCount(willRetry)}</dd>
            </div>
            <div>
              <dt>Uploading now</dt>
              <dd>{formatCount(counts.uploading)}</dd>
            </div>
            <div>
              <dt>Delivered in the last minute</dt>
              <dd>{formatCount(throughput.deliveredLastMinute)}</dd>
            </div>
            <div>
              <dt>Data rate</dt>
              <dd>{formatBytes(Math.round(throughput.bytesPerSecond))}/s</dd>
            </div>
          </dl>
        </section>
      </div>

      <section className="card" aria-labelledby="counts-title">
        <h2 id="counts-title">Files by state</h2>
        <StateTiles counts={counts} />
      </section>

      <section className="card" aria-labelledby="folders-title">
        <h2 id="folders-title">Watched folders</h2>
        {state.folders.length === 0 ? (
          <p>No folder is watched yet. An admin adds folders in Settings.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Folder</th>
                  <th scope="col">Availability</th>
                  {itemStateGroupKeys.map((key) => (
                    <th key={key} scope="col">
                      {itemStateGroups[key].label}
                    </th>
                  ))}
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.folders.map((folder) => (
                  <FolderRow
                    key={folder.id}
                    feed={feed}
                    folder={folder}
                    isAllPaused={state.delivery.isPaused}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <ExportDiagnostics />
    </div>
  );
}

function FolderRow(props: { feed: Feed; folder: FolderView; isAllPaused: boolean }) {
  const { folder } = props;
  const name = folder.label ?? folder.id;
  return (
    <tr data-folder={folder.id}>
      <th scope="row">
        <Link to={`/activity?folder=${encodeURIComponent(folder.id)}`}>{name}</Link>
        <div className="muted small path">{folder.path}</div>
      </th>
      <td data-availability={folder.health.status}>
        {folder.health.status === 'available'
          ? 'Available'
          : folder.health.status === 'unavailable'
            ? `Not available: ${folder.health.reason ?? 'the folder cannot be read'}`
            : 'Not checked yet'}
        {folder.isPaused ? <div className="small">Delivery paused</div> : null}
      </td>
      {itemStateGroupKeys.map((key) => {
        const count = countInGroup(folder.counts, key);
        return (
          <td key={key} data-group={key}>
            {count > 0 ? (
              <Link to={`/activity?folder=${encodeURIComponent(folder.id)}&state=${key}`}>
                {formatCount(count)}
              </Link>
            ) : (
              '0'
            )}
          </td>
        );
      })}
      <td>
        {props.isAllPaused ? null : (
          <PauseButton
            feed={props.feed}
            folderId={folder.id}
            isPaused={folder.isPaused}
            folderName={name}
          />
        )}
      </td>
    </tr>
  );
}

function PauseButton(props: {
  feed: Feed;
  folderId: string | null;
  isPaused: boolean;
  folderName?: string;
}) {
  const [error, setError] = useState<string | undefined>();
  const [isBusy, setIsBusy] = useState(false);
  const what = props.folderName ? ` ${props.folderName}` : ' all delivery';
  const onClick = () => {
    const connection = props.feed.connection;
    if (!connection) return;
    setIsBusy(true);
    setError(undefined);
    connection
      .request(props.isPaused ? 'resumeDelivery' : 'pauseDelivery', { folderId: props.folderId })
      .then(
        () => setIsBusy(false),
        (failure: unknown) => {
          setIsBusy(false);
          setError(failure instanceof FeedCommandError ? failure.message : String(failure));
        },
      );
  };
  return (
    <span>
      <button type="button" onClick={onClick} disabled={isBusy}>
        {props.isPaused ? 'Resume' : 'Pause'}
        <span className="visually-hidden">{what}</span>
      </button>
      {error ? (
        <span role="alert" className="error-text">
          {' '}
          {error}
        </span>
      ) : null}
    </span>
  );
}

function RetryAllFailed(props: { feed: Feed; count: number; onResult: (message: string) => void }) {
  const { onResult } = props;
  const onClick = () => {
    props.feed.connection?.request('retryAllFailed', {}).then(
      (result) =>
        onResult(
          `${formatCount(result.itemIds.length)} file${result.itemIds.length === 1 ? '' : 's'} queued again: SiteDrop sends ${result.itemIds.length === 1 ? 'it' : 'them'} now.`,
        ),
      (failure: unknown) =>
        onResult(failure instanceof FeedCommandError ? failure.message : String(failure)),
    );
  };
  return (
    <button type="button" onClick={onClick}>
      Retry {formatCount(props.count)} failed file{props.count === 1 ? '' : 's'}
    </button>
  );
}

function healthSentence(
  health: OverallHealth,
  onItsWay: number,
  willRetry: number,
  counts: StateCounts,
): string {
  switch (health) {
    case 'ok':
      return counts.delivered > 0
        ? 'Every file dropped so far has arrived in SharePoint or needs nothing more.'
        : 'Nothing to deliver yet. Files dropped into a watched folder appear here.';
    case 'working':
      return [
        onItsWay > 0
          ? `${formatCount(onItsWay)} ${onItsWay === 1 ? 'file is on its' : 'files are on their'} way to SharePoint.`
          : '',
        willRetry > 0
          ? `${formatCount(willRetry)} ${willRetry === 1 ? 'file' : 'files'} will be retried, by SiteDrop itself.`
          : '',
      ]
        .filter(Boolean)
        .join(' ');
    case 'paused':
      return 'Delivery is paused: files are recorded and kept safely until it resumes.';
    case 'attention':
      return 'Something needs a person. SiteDrop keeps every file safe meanwhile.';
  }
}

function healthReasons(
  counts: StateCounts,
  breaker: 'closed' | 'open' | 'half-open',
  unavailable: readonly FolderView[],
  isPaused: boolean,
  authFailed: boolean,
): { text: string; link?: string }[] {
  const reasons: { text: string; link?: string }[] = [];
  if (counts.failed > 0) {
    reasons.push({
      text: `${formatCount(counts.failed)} file${counts.failed === 1 ? '' : 's'} could not be delivered`,
      link: '/activity?state=failed',
    });
  }
  if (counts.quarantined > 0) {
    reasons.push({
      text:
        counts.quarantined === 1
          ? '1 file was set aside and needs correcting'
          : `${formatCount(counts.quarantined)} files were set aside and need correcting`,
      link: '/activity?state=quarantined',
    });
  }
  if (breaker === 'open') reasons.push({ text: 'SharePoint cannot be reached right now' });
  if (authFailed) {
    reasons.push({ text: 'SharePoint refused SiteDrop’s sign-in', link: '/settings' });
  }
  for (const folder of unavailable) {
    reasons.push({ text: `The folder ${folder.label ?? folder.id} cannot be read` });
  }
  if (isPaused) reasons.push({ text: 'Delivery is paused for all folders' });
  return reasons;
}

function connectionWords(
  status: ConnectionView['status'],
  breaker: ConnectionView['breaker'],
): string {
  if (breaker === 'half-open') return 'Checking the connection';
  switch (status) {
    case 'ready':
      return 'Connected';
    case 'not-configured':
      return 'Not connected yet';
    case 'paused-by-breaker':
      return 'Not reachable: uploads wait';
    case 'auth-failed':
      return 'Sign-in refused: uploads wait';
    case 'unknown':
      return 'Not checked yet';
  }
}
