/**
 * The dashboard's SharePoint card: the connection and its circuit breaker, and when the next
 * check is.
 */
import type { ConnectionView } from '../../../shared/feed-protocol.ts';
import { formatIn, formatTime } from '../../format/format.ts';
import { Link } from '../../router.tsx';

/** The SharePoint card. */
export function SharePointCard(props: { connection: ConnectionView; nowMs: number }) {
  const { connection, nowMs } = props;
  return (
    <section className="card" aria-labelledby="sharepoint-title">
      <h2 id="sharepoint-title">SharePoint</h2>
      <p data-breaker={connection.breaker} data-connection-status={connection.status}>
        <strong>{connectionWords(connection.status, connection.breaker)}</strong>
      </p>
      <p className="connection-detail">{connection.detail}</p>
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
    </section>
  );
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
