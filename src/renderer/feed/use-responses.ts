/**
 * The newest responses, kept current: asked with listResponses when the feed opens and again
 * after every `response.*` event; `checkNow` asks the agent to check SharePoint at once.
 */
import { useCallback, useState } from 'react';
import type { ResponseView } from '../../shared/feed-protocol.ts';
import type { Feed } from './feed-context.tsx';
import { useRefreshedAnswer } from './use-refreshed-answer.ts';

/** The responses the page knows and the Check now action. */
export interface ResponsesState {
  /** Newest first; undefined until the first answer. */
  responses: readonly ResponseView[] | undefined;
  isChecking: boolean;
  /** Why the last check failed, or null. */
  checkError: string | null;
  checkNow(): void;
}

/** The newest responses; re-asked as response events arrive. */
export function useResponses(feed: Feed): ResponsesState {
  const [answer, setAnswer] = useRefreshedAnswer(
    feed,
    (connection) => connection.request('listResponses', {}),
    (state, listener) => state.onDidChangeResponses(listener),
    'responses',
  );
  const [isChecking, setIsChecking] = useState(false);
  const [checkError, setCheckError] = useState<string | null>(null);
  const { connection } = feed;
  const checkNow = useCallback(() => {
    if (connection === undefined) return;
    setIsChecking(true);
    setCheckError(null);
    connection.request('checkResponsesNow', {}).then(
      (answer) => {
        setAnswer(answer);
        setIsChecking(false);
      },
      (error: unknown) => {
        setCheckError(error instanceof Error ? error.message : String(error));
        setIsChecking(false);
      },
    );
  }, [connection]);
  return { responses: answer?.responses, isChecking, checkError, checkNow };
}
