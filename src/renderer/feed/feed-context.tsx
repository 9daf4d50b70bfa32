/**
 * Wires the feed into React: one FeedConnection and one FeedState for the page, provided to
 * every screen; screens re-render when the state changes.
 */
import {
  createContext,
  useContext,
  useLayoutEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { FeedConnection, type ConnectionStatus } from './feed-connection.ts';
import { FeedState } from './feed-state.ts';

/** What every screen can reach: the connection (to send commands), the state and its status. */
export interface Feed {
  connection: FeedConnection | undefined;
  state: FeedState;
  status: ConnectionStatus;
}

const FeedContext = createContext<Feed | undefined>(undefined);

/** At most one resync (getSnapshot) a second. */
const resyncIntervalMs = 1_000;

/** Opens the feed for the page's lifetime and provides it to its children. */
export function FeedProvider(props: { token: string | undefined; children: ReactNode }) {
  const { token } = props;
  const [status, setStatus] = useState<ConnectionStatus>(
    token === undefined
      ? {
          kind: 'unauthorized',
          reason:
            'This page was opened without its access key. Open the dashboard link the agent printed when it started (it ends in #token=…).',
        }
      : { kind: 'connecting' },
  );
  const feed = useMemo(() => {
    let connection: FeedConnection | undefined;
    let isResyncing = false;
    let isResyncWanted = false;
    let lastResyncAt = 0;
    const resync = () => {
      if (connection === undefined) return;
      if (isResyncing) {
        isResyncWanted = true;
        return;
      }
      const waitMs = Math.max(0, lastResyncAt + resyncIntervalMs - Date.now());
      isResyncing = true;
      setTimeout(() => {
        lastResyncAt = Date.now();
        connection?.request('getSnapshot', {}).then(
          (result) => state.applyResync(result.snapshot),
          () => undefined,
        );
        isResyncing = false;
        if (isResyncWanted) {
          isResyncWanted = false;
          resync();
        }
      }, waitMs);
    };
    const state = new FeedState(resync);
    if (token !== undefined) {
      connection = new FeedConnection(
        token,
        {
          onSnapshot: (snapshot) => state.applySnapshot(snapshot),
          onEvent: (event) => state.applyEvent(event),
          onProgress: (itemId, sentBytes, totalBytes, atMs) =>
            state.applyProgress(itemId, sentBytes, totalBytes, atMs),
          onStatus: (next) => {
            if (next.kind !== 'open') state.noteDisconnected();
            setStatus(next);
          },
        },
        window.location.href,
      );
    }
    return { connection, state };
  }, [token]);

  // A layout effect: the socket opens right after the first render is committed, before that
  // render is painted and passive effects run: the first rows wait on it (docs/ui.md, "How it
  // stays current").
  useLayoutEffect(() => {
    feed.connection?.start();
    return () => feed.connection?.close();
  }, [feed]);

  const value = useMemo(() => ({ ...feed, status }), [feed, status]);
  return <FeedContext.Provider value={value}>{props.children}</FeedContext.Provider>;
}

/** The page's feed. */
export function useFeed(): Feed {
  const feed = useContext(FeedContext);
  if (feed === undefined) throw new Error('useFeed needs a FeedProvider above it');
  return feed;
}

/** The feed's state; the calling component re-renders whenever it changes. */
export function useFeedState(): Feed {
  const feed = useFeed();
  useSyncExternalStore(feed.state.subscribe, () => feed.state.version);
  return feed;
}
