/**
 * "Try now": asks the agent to try SharePoint again at once (the feed's `tryNow` command), for
 * a person who knows SharePoint works again before SiteDrop's own next try. The button stays
 * focusable while the request runs (aria-disabled). The result is announced in a status region:
 * the caller's (`onResult`), when the button goes away once the wait is over, else its own.
 */
import { useState } from 'react';
import { formatCount } from '../../shared/format/count.ts';
import type { Feed } from '../feed/feed-context.tsx';
import { FeedCommandError } from '../feed/feed-connection.ts';

/** The "Try now" button with its result line. */
export function TryNowButton(props: {
  feed: Feed;
  className?: string;
  onResult?: (message: string) => void;
}) {
  const [isBusy, setIsBusy] = useState(false);
  const [ownMessage, setOwnMessage] = useState<string>('');
  const setMessage = props.onResult ?? setOwnMessage;
  const onClick = () => {
    const connection = props.feed.connection;
    if (isBusy || !connection) return;
    setIsBusy(true);
    setMessage('');
    connection.request('tryNow', {}).then(
      (result) => {
        setIsBusy(false);
        const count = result.itemIds.length;
        setMessage(
          count === 0
            ? 'Trying SharePoint again now.'
            : `Trying SharePoint again now, with ${formatCount(count)} waiting file${count === 1 ? '' : 's'}.`,
        );
      },
      (failure: unknown) => {
        setIsBusy(false);
        setMessage(failure instanceof FeedCommandError ? failure.message : String(failure));
      },
    );
  };
  return (
    <span className={props.className}>
      <button type="button" onClick={onClick} aria-disabled={isBusy ? 'true' : undefined}>
        Try now
      </button>{' '}
      {props.onResult ? null : (
        <span role="status" className="try-now-result">
          {ownMessage}
        </span>
      )}
    </span>
  );
}
