import { CodedError } from '../../../../shared/coded-error.ts';
import type { AuthMethod } from '../../../../shared/config-schema.ts';
import {
  FeedCommandError,
  type AccountView,
  type CommandMessage,
  type CommandResult,
  type SignInStarted,
} from '../../../../shared/feed-protocol.ts';

/** What the agent supplies for the account commands (delegated sign-in). */
export interface FeedAccountCommands {
  current(): Promise<AccountView | null>;
  isSignInRequired(): boolean;
  isSigningIn(): boolean;
  lastSignInFailure(): string | null;
  /** The auth.method in effect. */
  authMethod(): AuthMethod;
  /** Starts a sign-in; rejects with a CodedError whose sentence says what to fix. */
  signIn(method: 'browser' | 'deviceCode'): Promise<SignInStarted>;
  cancelSignIn(): Promise<boolean>;
  /** Signs out; answers who was signed in. */
  signOut(): Promise<AccountView | null>;
}

type AccountCommand = 'getAccount' | 'signIn' | 'cancelSignIn' | 'signOut';

type AccountHandlers = {
  [C in AccountCommand]: (message: CommandMessage<C>) => Promise<CommandResult<C>>;
};

/**
 * The handlers of getAccount, signIn, cancelSignIn and signOut. A refusal of the account's
 * (a CodedError: sign-in unavailable with these settings, or failed before it could start)
 * becomes the command's error with its code and sentence.
 */
export function accountCommandHandlers(
  account: FeedAccountCommands | undefined,
  require: <T>(operation: T | undefined, what: string) => T,
): AccountHandlers {
  const use = (what: string) => require(account, what);
  return {
    getAccount: async () => {
      const commands = use('Signing in');
      return {
        account: await commands.current(),
        isSignInRequired: commands.isSignInRequired(),
        isSigningIn: commands.isSigningIn(),
        lastSignInFailure: commands.lastSignInFailure(),
        authMethod: commands.authMethod(),
      };
    },
    signIn: async ({ method }) => {
      const commands = use('Signing in');
      try {
        return await commands.signIn(method);
      } catch (error) {
        if (error instanceof CodedError && !(error instanceof FeedCommandError)) {
          throw new FeedCommandError(error.code, error.message);
        }
        throw error;
      }
    },
    cancelSignIn: async () => ({ isCancelled: await use('Signing in').cancelSignIn() }),
    signOut: async () => ({ account: await use('Signing out').signOut() }),
  };
}
