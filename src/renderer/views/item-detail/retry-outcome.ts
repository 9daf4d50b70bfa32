/**
 * What a person is told after pressing Retry on one file, as the file moves on: "Queued again"
 * only while it is on its way, then what became of the retry. Followed by the item's events,
 * one by one as the feed applies them, so a retry that fails again within one render is still
 * seen to have been queued and to have failed.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LoggedEvent } from '../../../shared/events.ts';
import type { FeedState } from '../../feed/feed-state.ts';

/** The sentence while a retried file is on its way. */
export const queuedAgainText = 'Queued again: SiteDrop sends it now.';

/**
 * The sentence for an event of a retried file that ends its retry, or undefined for an event that
 * does not (it is still on its way).
 */
export function retryOutcomeText(type: LoggedEvent['type']): string | undefined {
  switch (type) {
    case 'item.delivered':
      return 'Tried again: delivered.';
    case 'item.skipped':
      return 'Tried again: the same content is already in SharePoint.';
    case 'item.retrying':
      return 'Tried again: not delivered yet. SiteDrop tries once more by itself.';
    case 'item.failed':
      return 'Tried again: not delivered. What happened is below.';
    case 'item.quarantined':
      return 'Tried again: set aside. What happened is below.';
    case 'item.gone':
      return 'Tried again: the file is no longer in the folder.';
    case 'item.cancelled':
      return 'Cancelled.';
    default:
      return undefined;
  }
}

/**
 * The feedback of Retry for one item: call `startRetry()` just before sending the command; the
 * text is `queuedAgainText` until an event ends the retry, then that outcome (followed further
 * while it waits to try again).
 */
export function useRetryOutcome(
  feedState: FeedState,
  itemId: number,
): { text: string | undefined; startRetry: () => void; clear: () => void } {
  const [text, setText] = useState<string | undefined>();
  const isFollowing = useRef(false);
  useEffect(
    () =>
      feedState.onDidChangeItem(({ event }) => {
        if (!isFollowing.current) return;
        if (!('itemId' in event.data) || event.data.itemId !== itemId) return;
        const outcome = retryOutcomeText(event.type);
        if (outcome === undefined) return;
        // A retry that waits to try again is not over: its end is still to be told.
        if (event.type !== 'item.retrying') isFollowing.current = false;
        setText(outcome);
      }),
    [feedState, itemId],
  );
  const startRetry = useCallback(() => {
    isFollowing.current = true;
    setText(queuedAgainText);
  }, []);
  const clear = useCallback(() => {
    isFollowing.current = false;
    setText(undefined);
  }, []);
  return { text, startRetry, clear };
}
