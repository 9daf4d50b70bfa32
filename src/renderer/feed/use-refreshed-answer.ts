/**
 * A command's answer kept current: asked when the feed opens and again whenever `subscribe`
 * reports a change (an event of the kind the answer depends on). The one rule behind the
 * account, the responses and a response's page.
 */
import { useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { FeedConnection } from './feed-connection.ts';
import type { Feed } from './feed-context.tsx';
import type { FeedState } from './feed-state.ts';

/** The latest answer (undefined until the first), its setter, and the last failure's message. */
export function useRefreshedAnswer<T>(
  feed: Feed,
  ask: (connection: FeedConnection) => Promise<T>,
  subscribe: (state: FeedState, listener: () => void) => () => void,
  key: string,
): [T | undefined, Dispatch<SetStateAction<T | undefined>>, string | undefined] {
  const [answer, setAnswer] = useState<T>();
  const [failure, setFailure] = useState<string>();
  const latest = useRef({ ask, subscribe });
  latest.current = { ask, subscribe };
  const { connection, state, status } = feed;
  const isOpen = status.kind === 'open';
  useEffect(() => {
    if (!isOpen || connection === undefined) return undefined;
    let isCurrent = true;
    const refresh = () =>
      latest.current.ask(connection).then(
        (next) => isCurrent && setAnswer(next),
        (error: unknown) => isCurrent && setFailure((error as Error).message),
      );
    void refresh();
    const unsubscribe = latest.current.subscribe(state, () => void refresh());
    return () => {
      isCurrent = false;
      unsubscribe();
    };
  }, [connection, state, isOpen, key]);
  return [answer, setAnswer, failure];
}
