/**
 * One item's detail from the agent (the item, its attempts and events), fetched when the feed
 * opens and again shortly after each event about the item.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CommandResult } from '../../../shared/feed-protocol.ts';
import type { Feed } from '../../feed/feed-context.tsx';
import { FeedCommandError } from '../../feed/feed-connection.ts';

/** What getItem returns: the item, its attempts and its events. */
export type ItemDetailResult = CommandResult<'getItem'>;

const refreshDelayMs = 150;

/** The item's detail (once loaded), why it could not be loaded, and `load` to fetch it again. */
export function useItemDetail(feed: Feed, itemId: number) {
  const [detail, setDetail] = useState<ItemDetailResult | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const isReady = feed.status.kind === 'open';
  const load = useCallback(() => {
    feed.connection?.request('getItem', { itemId }).then(
      (result) => {
        feed.state.rememberItem(result.item);
        setDetail(result);
        setLoadError(undefined);
      },
      (failure: unknown) =>
        setLoadError(
          failure instanceof FeedCommandError && failure.code === 'item.not-found'
            ? `There is no file with number ${itemId}.`
            : failure instanceof Error
              ? failure.message
              : String(failure),
        ),
    );
  }, [feed.connection, feed.state, itemId]);

  useEffect(() => {
    if (isReady) load();
  }, [isReady, load]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = feed.state.onDidChangeItem(({ event }) => {
      if (!('itemId' in event.data) || event.data.itemId !== itemId) return;
      clearTimeout(timer);
      timer = setTimeout(load, refreshDelayMs);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [feed.state, itemId, load]);

  return { detail, loadError, load };
}
