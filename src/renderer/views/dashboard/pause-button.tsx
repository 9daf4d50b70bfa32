/**
 * Pause or resume uploads, of one folder or of all of them: files are still recorded and kept
 * while paused. The button is named by what it acts on ("Pause all uploads", "Resume uploads";
 * a folder's "Pause" / "Resume" with the folder's name for a screen reader). It stays mounted
 * and focusable while the agent answers (aria-disabled, not disabled, which would drop the
 * keyboard's focus to the page), and what came of a press is announced in a status region that
 * is always there, so a screen reader hears it.
 */
import { useState } from 'react';
import type { Feed } from '../../feed/feed-context.tsx';
import { FeedCommandError } from '../../feed/feed-connection.ts';

/** The Pause / Resume button of a folder (`folderId`) or of all uploads (null). */
export function PauseButton(props: {
  feed: Feed;
  folderId: string | null;
  isPaused: boolean;
  folderName?: string;
}) {
  const [outcome, setOutcome] = useState<{ text: string; isError: boolean }>();
  const [isBusy, setIsBusy] = useState(false);
  const { isPaused, folderName } = props;
  const onClick = () => {
    const connection = props.feed.connection;
    if (!connection || isBusy) return;
    setIsBusy(true);
    setOutcome(undefined);
    connection
      .request(isPaused ? 'resumeDelivery' : 'pauseDelivery', { folderId: props.folderId })
      .then(
        () => {
          setIsBusy(false);
          setOutcome({ text: outcomeText(!isPaused, folderName), isError: false });
        },
        (failure: unknown) => {
          setIsBusy(false);
          const text = failure instanceof FeedCommandError ? failure.message : String(failure);
          setOutcome({ text, isError: true });
        },
      );
  };
  return (
    <span className="pause-control">
      <button type="button" onClick={onClick} aria-disabled={isBusy ? true : undefined}>
        {folderName === undefined ? (
          isPaused ? (
            'Resume uploads'
          ) : (
            'Pause all uploads'
          )
        ) : (
          <>
            {isPaused ? 'Resume' : 'Pause'}
            <span className="visually-hidden"> {folderName}</span>
          </>
        )}
      </button>{' '}
      <span
        role="status"
        className="small"
        data-testid={props.folderId === null ? 'pause-outcome' : undefined}
      >
        {outcome && !outcome.isError ? outcome.text : null}
      </span>
      {outcome?.isError ? (
        <span role="alert" className="error-text">
          {outcome.text}
        </span>
      ) : null}
    </span>
  );
}

/** What a press did, in words. */
function outcomeText(isPausedNow: boolean, folderName: string | undefined): string {
  const what = folderName === undefined ? 'Uploads' : `Uploads from ${folderName}`;
  return isPausedNow
    ? `${what} paused. Files are still recorded and kept until uploads resume.`
    : `${what} resumed.`;
}
