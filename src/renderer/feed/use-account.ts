/**
 * Who the agent is signed in as, kept current: asked with getAccount when the feed opens, again
 * after every `account.*` event, and every few seconds while nobody is signed in (a
 * `sitedrop login` in another process writes the token cache, not this agent's event stream).
 */
import { useEffect, useState } from 'react';
import type { CommandResult } from '../../shared/feed-protocol.ts';
import type { Feed } from './feed-context.tsx';

/** What getAccount answered; undefined until the first answer. */
export type AccountState = CommandResult<'getAccount'>;

/** How often the page asks again while nobody is signed in or a sign-in is under way. */
const signedOutRecheckMs = 3_000;

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
  const isWaiting =
    account !== undefined &&
    (account.authMethod ?? 'delegated') === 'delegated' &&
    (account.account === null || account.isSignInRequired || account.isSigningIn);
  useEffect(() => {
    if (!isOpen || connection === undefined || !isWaiting) return undefined;
    const timer = setInterval(() => {
      connection.request('getAccount', {}).then(setAccount, () => undefined);
    }, signedOutRecheckMs);
    return () => clearInterval(timer);
  }, [connection, isOpen, isWaiting]);
  return account;
}
