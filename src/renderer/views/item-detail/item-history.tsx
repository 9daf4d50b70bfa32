/** An item's history: every event of it, in words, with its time. */
import type { CommandResult } from '../../../shared/feed-protocol.ts';
import { formatDateTime } from '../../format/format.ts';

/** The History card. */
export function ItemHistory(props: { events: CommandResult<'getItem'>['events'] }) {
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <ol className="history">
        {props.events.map((event) => (
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
