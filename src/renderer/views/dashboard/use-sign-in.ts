/**
 * Starting and cancelling a sign-in from the page: the agent starts the flow; a browser sign-in
 * the agent's host could not open (headless) is opened by the page in a new tab, and its link
 * stays on the page; a device code is shown to enter on the verification page.
 */
import { useState } from 'react';
import type { SignInStarted } from '../../../shared/feed-protocol.ts';
import type { Feed } from '../../feed/feed-context.tsx';
import { FeedCommandError } from '../../feed/feed-connection.ts';

/** A sign-in the page started, and what came of pressing the buttons. */
export interface SignInControl {
  /** What the agent answered when the sign-in started; cleared once it ended. */
  started: SignInStarted | undefined;
  /** A refusal of the agent's (settings missing), as its sentence. */
  refusal: string | undefined;
  start(method: SignInStarted['method']): void;
  cancel(): void;
  /** Forgets the started sign-in once the agent says it ended. */
  settle(): void;
}

/** The page's sign-in control. */
export function useSignIn(feed: Feed): SignInControl {
  const [started, setStarted] = useState<SignInStarted>();
  const [refusal, setRefusal] = useState<string>();
  const connection = feed.connection;
  return {
    started,
    refusal,
    start(method) {
      if (connection === undefined) return;
      setRefusal(undefined);
      connection.request('signIn', { method }).then(
        (answer) => {
          setStarted(answer);
          if (answer.method === 'browser' && !answer.isBrowserOpened) {
            window.open(answer.authorizeUrl, '_blank', 'noopener');
          }
        },
        (failure: unknown) =>
          setRefusal(failure instanceof FeedCommandError ? failure.message : String(failure)),
      );
    },
    cancel() {
      connection?.request('cancelSignIn', {}).then(
        () => setStarted(undefined),
        () => undefined,
      );
    },
    settle() {
      if (started !== undefined) setStarted(undefined);
    },
  };
}
