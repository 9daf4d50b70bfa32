import type { Config } from '../../../shared/config-schema.ts';
import type { SignInStarted } from '../../../shared/feed-protocol.ts';
import type { Logger } from '../logging/index.ts';
import type { OpenExternal } from '../platform.ts';
import type { DelegatedAccount } from './delegated-account.ts';
import { SignInUnavailableError } from './sign-in-flow.ts';

/**
 * How long a browser sign-in may stay unfinished before it is cancelled with a sentence:
 * minutes, as Microsoft's Go and Java guidance suggests for an interactive loopback, since
 * msal-node sets none (docs/configuration.md, "Delegated sign-in").
 */
export const browserSignInTimeoutMs = 5 * 60_000;

/** What startSignIn needs besides the account. */
export interface StartSignInOptions {
  config: Config;
  logger: Logger;
  /** The host's browser opener; absent or failing, the caller shows the URL instead. */
  openExternal?: OpenExternal | undefined;
  browserTimeoutMs?: number;
}

/**
 * Starts a sign-in and answers with what to show now (the device code, or the sign-in page and
 * whether the system browser opened it); its outcome is recorded by the account as an
 * `account.signed-in` or `account.sign-in-failed` event.
 *
 * @throws SignInUnavailableError when auth.method is not "delegated" or no client id is set;
 *   SignInCancelledError when the flow fails before anything can be shown.
 */
export async function startSignIn(
  account: DelegatedAccount,
  method: 'browser' | 'deviceCode',
  options: StartSignInOptions,
): Promise<SignInStarted> {
  const { config, logger, openExternal } = options;
  if (config.auth.method !== 'delegated') {
    throw new SignInUnavailableError(
      `Signing in as a person needs auth.method "delegated" (it is "${config.auth.method}"): choose "Sign in with Microsoft" in Settings`,
    );
  }
  if (!config.auth.clientId) {
    throw new SignInUnavailableError(
      'Signing in needs the Application (client) ID of your app registration: set auth.clientId in Settings (docs/configuration.md)',
    );
  }
  if (method === 'deviceCode') {
    const started = await account.signInWithDeviceCode();
    void started.done.catch(() => undefined);
    return { method, ...started.shown };
  }
  let isBrowserOpened = false;
  const started = await account.signInWithBrowser({
    timeoutMs: options.browserTimeoutMs ?? browserSignInTimeoutMs,
    openBrowser: async (url) => {
      if (!openExternal) return;
      try {
        await openExternal(url);
        isBrowserOpened = true;
      } catch (error) {
        logger.warn({ err: error }, 'The system browser could not be opened for the sign-in');
      }
    },
  });
  // The outcome is recorded by the account (account.signed-in or account.sign-in-failed).
  void started.done.catch(() => undefined);
  return { method, authorizeUrl: started.shown.authorizeUrl, isBrowserOpened };
}
