/**
 * "Waiting for SharePoint; next try at 20:29": the state of an agent that waits because
 * SharePoint asked it to hold off (Retry-After) or failed repeatedly (the breaker is open). It is
 * not red: SiteDrop waits it out by itself. It offers "Try now" and Microsoft's service health
 * page, where an admin sees whether SharePoint has an outage.
 */
import type { ConnectionView } from '../../shared/feed-protocol.ts';
import type { Feed } from '../feed/feed-context.tsx';
import { formatIn, formatTime } from '../format/format.ts';
import { TryNowButton } from './try-now-button.tsx';

/** Microsoft 365's service health page (admin center). */
export const serviceHealthUrl = 'https://admin.microsoft.com/Adminportal/Home#/servicehealth';

const reasonWords: Readonly<Record<NonNullable<ConnectionView['waitingFor']>['reason'], string>> = {
  throttled: 'SharePoint asked SiteDrop to slow down, and SiteDrop waits as long as it asked.',
  unavailable:
    'SharePoint said it is not available at the moment, and when to come back; SiteDrop waits until then.',
  'breaker-open':
    'SharePoint failed several times in a row, so SiteDrop pauses uploads until it answers again.',
};

/** The wait in effect at `nowMs`, or undefined once it is over (delivery is trying again). */
export function sharePointWaitAt(
  connection: ConnectionView | undefined,
  nowMs: number,
): NonNullable<ConnectionView['waitingFor']> | undefined {
  const wait = connection?.waitingFor ?? undefined;
  if (wait === undefined) return undefined;
  // An open breaker waits until its probe has run, even when the probe is a little late.
  if (wait.reason !== 'breaker-open' && wait.nextTryAt <= nowMs) return undefined;
  return wait;
}

/** The waiting state with its reason, "Try now" and the service health link; null when none. */
export function SharePointWaitNotice(props: {
  feed: Feed;
  connection: ConnectionView;
  nowMs: number;
  /** A status region that outlives this notice, for Try now's result. */
  onResult?: (message: string) => void;
}) {
  const wait = sharePointWaitAt(props.connection, props.nowMs);
  if (wait === undefined) return null;
  const isDue = wait.nextTryAt <= props.nowMs;
  return (
    <div className="sharepoint-wait" data-testid="sharepoint-wait" data-reason={wait.reason}>
      <p>
        <strong>Waiting for SharePoint</strong>
        {isDue
          ? '; trying again now.'
          : `; next try at ${formatTime(wait.nextTryAt, props.nowMs)} (${formatIn(wait.nextTryAt, props.nowMs)}).`}
      </p>
      <p>{reasonWords[wait.reason]} Nothing is lost: files wait safely.</p>
      <p className="actions">
        <TryNowButton feed={props.feed} {...(props.onResult ? { onResult: props.onResult } : {})} />{' '}
        <a href={serviceHealthUrl} target="_blank" rel="noreferrer">
          Microsoft 365 service health
        </a>
      </p>
    </div>
  );
}
