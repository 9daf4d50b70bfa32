/**
 * The state of the page's own connection to the agent: nothing while connected; "reconnecting"
 * with the next try while the agent is away (it restarts, or stopped); a clear sentence when
 * the page's access key is missing or refused.
 */
import { useEffect, useRef, useState } from 'react';
import { useFeed } from '../feed/feed-context.tsx';
import type { ConnectionStatus } from '../feed/feed-connection.ts';
import { formatIn } from '../format/format.ts';

/** A banner under the header while the page is not connected. */
export function ConnectionBanner() {
  const { status } = useFeed();
  const [nowMs, setNowMs] = useState(Date.now());
  useEffect(() => {
    if (status.kind !== 'reconnecting') return;
    const timer = setInterval(() => setNowMs(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [status.kind]);
  // The outcome of a reconnection is said once, in a region that is always there (a region
  // that appears with its text in it is not reliably announced).
  const wasReconnecting = useRef(false);
  const [outcome, setOutcome] = useState('');
  useEffect(() => {
    if (status.kind === 'reconnecting') {
      wasReconnecting.current = true;
      setOutcome('');
    } else if (status.kind === 'open' && wasReconnecting.current) {
      wasReconnecting.current = false;
      setOutcome('Connected to the SiteDrop agent again; what you see is up to date.');
    }
  }, [status.kind]);
  const outcomeRegion = (
    <div role="status" className="visually-hidden" data-testid="connection-outcome">
      {outcome}
    </div>
  );

  return (
    <>
      {outcomeRegion}
      <Banner status={status} nowMs={nowMs} />
    </>
  );
}

/** The visible banner for a page that is not connected; nothing while it is. */
function Banner(props: { status: ConnectionStatus; nowMs: number }) {
  const { status, nowMs } = props;
  if (status.kind === 'open') return null;
  if (status.kind === 'unauthorized') {
    return (
      <div className="banner tone-bad" role="alert" data-connection="unauthorized">
        <strong>Not connected.</strong> {status.reason}
      </div>
    );
  }
  if (status.kind === 'connecting') {
    return (
      <div className="banner tone-busy" role="status" data-connection="connecting">
        Connecting to the SiteDrop agent…
      </div>
    );
  }
  // Only the sentence that does not change is a live region: a countdown inside it would be
  // announced again every second.
  return (
    <div className="banner tone-warn" data-connection="reconnecting">
      <span role="status">
        <strong>Reconnecting…</strong> The connection to the SiteDrop agent was lost (it may be
        restarting); what you see may be out of date until it is back.
      </span>{' '}
      <span data-testid="reconnect-countdown">
        Trying again {formatIn(status.nextTryAt, nowMs)}.
      </span>
    </div>
  );
}
