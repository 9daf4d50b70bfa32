/**
 * Who the agent is signed in as, kept current: asked with getAccount when the feed opens and
 * again after every `account.*` event. A `sitedrop login` or `logout` beside a running agent goes
 * through that agent, so it too arrives as an event; nothing needs asking on a timer.
 */
import type { CommandResult } from '../../shared/feed-protocol.ts';
import type { Feed } from './feed-context.tsx';
import { useRefreshedAnswer } from './use-refreshed-answer.ts';

/** What getAccount answered; undefined until the first answer. */
export type AccountState = CommandResult<'getAccount'>;

/** The agent's account; re-asked as account events arrive. */
export function useAccount(feed: Feed): AccountState | undefined {
  const [account] = useRefreshedAnswer(
    feed,
    (connection) => connection.request('getAccount', {}),
    (state, listener) => state.onDidChangeAccount(listener),
    'account',
  );
  return account;
}
