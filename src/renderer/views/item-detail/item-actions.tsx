/**
 * What a person can do with one item: Show in folder (desktop app only), Retry (a failed or
 * cancelled file) and Cancel upload (after a confirmation, `cancel-upload.tsx`), with what came
 * of it. A button that was pressed stays mounted, aria-disabled while the agent answers or once
 * it has nothing left to do (not disabled, and not removed: either drops the keyboard's focus
 * to the page), and the outcome goes into a status region that is always there.
 */
import { useState } from 'react';
import type { ItemView } from '../../../shared/feed-protocol.ts';
import { terminalItemStates } from '../../../shared/item-state.ts';
import { desktopApi } from '../../desktop-bridge.ts';
import type { Feed } from '../../feed/feed-context.tsx';
import { CancelUpload } from './cancel-upload.tsx';
import { useRetryOutcome } from './retry-outcome.ts';

type ItemCommand = 'retryItem' | 'cancelItem';

/** The item's action buttons and their outcome; `load` fetches the detail again. */
export function ItemActions(props: { feed: Feed; item: ItemView; load(): void }) {
  const { feed, item, load } = props;
  const itemId = item.id;
  const name = item.path.split('/').at(-1) ?? item.path;
  const [actionMessage, setActionMessage] = useState<{ text: string; isError: boolean }>();
  const [busyWith, setBusyWith] = useState<ItemCommand | undefined>();
  const [wasRetried, setWasRetried] = useState(false);
  const retryOutcome = useRetryOutcome(feed.state, itemId);
  const run = (command: ItemCommand) => {
    const connection = feed.connection;
    if (!connection || busyWith !== undefined) return;
    setBusyWith(command);
    setActionMessage(undefined);
    if (command === 'retryItem') retryOutcome.startRetry();
    else retryOutcome.clear();
    connection.request(command, { itemId }).then(
      () => {
        setBusyWith(undefined);
        if (command === 'cancelItem') setActionMessage({ text: 'Cancelled.', isError: false });
        load();
      },
      (failure: unknown) => {
        setBusyWith(undefined);
        retryOutcome.clear();
        setActionMessage({
          text: failure instanceof Error ? failure.message : String(failure),
          isError: true,
        });
      },
    );
  };

  const canRetry = item.state === 'failed' || item.state === 'cancelled';
  const isRetryUnavailable = !canRetry || busyWith !== undefined;
  return (
    <div className="actions">
      <ShowInFolder item={item} onMessage={setActionMessage} />
      {canRetry || wasRetried ? (
        <button
          type="button"
          className="primary"
          aria-disabled={isRetryUnavailable ? true : undefined}
          onClick={() => {
            if (isRetryUnavailable) return;
            setWasRetried(true);
            run('retryItem');
          }}
        >
          Retry
        </button>
      ) : null}
      <CancelUpload
        name={name}
        canCancel={!terminalItemStates.includes(item.state)}
        isBusy={busyWith !== undefined}
        onConfirm={() => run('cancelItem')}
      />
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

/** In the desktop window: the file (or, once it is gone, its folder) in the file manager. */
function ShowInFolder(props: {
  item: ItemView;
  onMessage(message: { text: string; isError: boolean } | undefined): void;
}) {
  const { item, onMessage } = props;
  const showItemInFolder = desktopApi()?.showItemInFolder;
  // A set-aside file is no longer at its path: its own card shows where it is.
  if (!showItemInFolder || item.state === 'quarantined') return null;
  const fail = (text: string) => onMessage({ text, isError: true });
  const onClick = () => {
    onMessage(undefined);
    showItemInFolder({ folderId: item.folderId, path: item.path }).then(
      (isShown) => {
        if (!isShown) fail('Neither the file nor its watched folder is on this computer any more.');
      },
      (failure: unknown) => fail(failure instanceof Error ? failure.message : String(failure)),
    );
  };
  return (
    <button type="button" onClick={onClick}>
      Show in folder
    </button>
  );
}
