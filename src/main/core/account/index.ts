/**
 * Account: the person SiteDrop signs in as when auth.method is "delegated".
 *
 * Owns: msal-node's PublicClientApplication (client id and authority from the config), its token
 * cache in the secret store, the system-browser and device code sign-ins with their cancel and
 * timeout, signing out, silent tokens for delivery (it implements delivery's DelegatedTokens),
 * and recording `account.*` events.
 * Does not own: app-only sign-in or Graph calls (delivery), opening a browser (the host's
 * OpenExternal), or showing anything (the feed, the CLI, the UI).
 */
export {
  DelegatedAccount,
  signedInSentence,
  type AccountView,
  type DelegatedAccountOptions,
  type DeviceCodeView,
  type StartedSignIn,
} from './delegated-account.ts';
export { SignInCancelledError, SignInUnavailableError } from './sign-in-flow.ts';
export { browserSignInTimeoutMs, startSignIn, type StartSignInOptions } from './start-sign-in.ts';
