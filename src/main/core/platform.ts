/**
 * What a host (the headless CLI, the Electron shell) supplies to the core.
 *
 * The core never imports electron: the shell implements these with Electron's APIs
 * (safeStorage, Notification, shell.openExternal); the CLI with files and the console.
 */
export type { Clock } from './lifecycle/index.ts';

/** Holds secrets (client secret, certificate key, token cache) outside config files. */
export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
  /**
   * A whole sentence saying where secrets live ("Secrets are kept …"), for `doctor`, the
   * settings screen and the messages that ask for a missing secret.
   */
  describe(): string;
}

/** Shows a person that something needs them (a desktop notification, a console line). */
export interface Notifier {
  notify(title: string, body: string): void;
}

/** The names under which the core keeps its secrets. */
export const secretNames = {
  clientSecret: 'auth.clientSecret',
  certificateKey: 'auth.certificateKey',
  tokenCache: 'auth.tokenCache',
  /** msal-node's cache of the signed-in person (refresh token included): delegated sign-in. */
  delegatedTokenCache: 'auth.delegatedTokenCache',
} as const;

/**
 * Opens a URL in the person's browser: Electron's shell.openExternal on the desktop, `open` or
 * `xdg-open` headless. Rejects when no browser can be opened (the URL is then shown instead).
 */
export type OpenExternal = (url: string) => Promise<void>;
