/**
 * Pause or resume delivery, of one folder or of all of it: files are still recorded and kept
 * while paused.
 */
import { useState } from 'react';
import type { Feed } from '../../feed/feed-context.tsx';
import { FeedCommandError } from '../../feed/feed-connection.ts';

/** The Pause / Resume button of a folder (`folderId`) or of all delivery (null). */
export function PauseButton(props: {
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
