/**
 * What a person can do with one item: Show in folder (desktop app only), Retry (a failed or
 * cancelled file) and Cancel upload (after a confirmation), with what came of it.
 */
import { useState } from 'react';
import type { ItemView } from '../../../shared/feed-protocol.ts';
import { terminalItemStates } from '../../../shared/item-state.ts';
import { desktopApi } from '../../desktop-bridge.ts';
import type { Feed } from '../../feed/feed-context.tsx';
import { useRetryOutcome } from './retry-outcome.ts';

/** The item's action buttons and their outcome; `load` fetches the detail again. */
export function ItemActions(props: { feed: Feed; item: ItemView; load(): void }) {
  const { feed, item, load } = props;
  const itemId = item.id;
  const name = item.path.split('/').at(-1) ?? item.path;
  const [actionMessage, setActionMessage] = useState<{ text: string; isError: boolean }>();
  const [isConfirmingCancel, setIsConfirmingCancel] = useState(false);
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

  const canRetry = item.state === 'failed' || item.state === 'cancelled';
  const canCancel = !terminalItemStates.includes(item.state);
  return (
    <div className="actions">
      {/* A set-aside file is no longer at its path: its own card shows where it is. */}
      {showItemInFolder && item.state !== 'quarantined' ? (
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
  );
}
