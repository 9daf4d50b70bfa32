/**
 * The newest responses, kept current: asked with listResponses when the feed opens and again
 * after every `response.*` event; `checkNow` asks the agent to check SharePoint at once.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ResponseView } from '../../shared/feed-protocol.ts';
import type { Feed } from './feed-context.tsx';

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
  const [responses, setResponses] = useState<readonly ResponseView[]>();
  const [isChecking, setIsChecking] = useState(false);
  const [checkError, setCheckError] = useState<string | null>(null);
  const { connection, state, status } = feed;
  const isOpen = status.kind === 'open';
  useEffect(() => {
    if (!isOpen || connection === undefined) return undefined;
    let isCurrent = true;
    const refresh = () =>
      connection.request('listResponses', {}).then(
        (answer) => {
          if (isCurrent) setResponses(answer.responses);
        },
        () => undefined,
      );
    void refresh();
    const unsubscribe = state.onDidChangeResponses(() => void refresh());
    return () => {
      isCurrent = false;
      unsubscribe();
    };
  }, [connection, state, isOpen]);
  const checkNow = useCallback(() => {
    if (connection === undefined) return;
    setIsChecking(true);
    setCheckError(null);
    connection.request('checkResponsesNow', {}).then(
      (answer) => {
        setResponses(answer.responses);
        setIsChecking(false);
      },
      (error: unknown) => {
        setCheckError(error instanceof Error ? error.message : String(error));
        setIsChecking(false);
      },
    );
  }, [connection]);
  return { responses, isChecking, checkError, checkNow };
}
