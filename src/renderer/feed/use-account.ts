/**
 * Who the agent is signed in as, kept current: asked with getAccount when the feed opens and
 * again after every `account.*` event. A `sitedrop login` or `logout` beside a running agent goes
 * through that agent, so it too arrives as an event; nothing needs asking on a timer.
 */
import { useEffect, useState } from 'react';
import type { CommandResult } from '../../shared/feed-protocol.ts';
import type { Feed } from './feed-context.tsx';

/** What getAccount answered; undefined until the first answer. */
export type AccountState = CommandResult<'getAccount'>;

/** The agent's account; re-asked as account events arrive. */
export function useAccount(feed: Feed): AccountState | undefined {
  const [account, setAccount] = useState<AccountState>();
  const { connection, state, status } = feed;
  const isOpen = status.kind === 'open';
  useEffect(() => {
    if (!isOpen || connection === undefined) return undefined;
    let isCurrent = true;
    const refresh = () =>
      connection.request('getAccount', {}).then(
        (answer) => {
          if (isCurrent) setAccount(answer);
        },
        () => undefined,
      );
    void refresh();
    const unsubscribe = state.onDidChangeAccount(() => void refresh());
    return () => {
      isCurrent = false;
      unsubscribe();
    };
  }, [connection, state, isOpen]);
  return account;
}
