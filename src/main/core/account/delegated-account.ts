import {
  InteractionRequiredAuthError,
  type AccountInfo,
  type AuthenticationResult,
  type DeviceCodeRequest,
} from '@azure/msal-node';
import {
  cloudEndpoints,
  delegatedScopes,
  resolveCloudEndpoints,
  type Config,
} from '../../../shared/config-schema.ts';
import type { AgentEvent } from '../../../shared/events.ts';
import type { DelegatedTokens } from '../delivery/index.ts';
import { secretNames } from '../platform.ts';
import { createPublicClient, publicClientKey, type PublicClient } from './public-client.ts';
import type { PublicClientOptions } from './public-client.ts';
import { cancelLoopback, SignInCancelledError } from './sign-in-flow.ts';

/** Who is signed in, as `sitedrop status --json` and the dashboard show it. */
export interface AccountView {
  /** The sign-in name (UPN), e.g. dana@contoso.com. */
  username: string;
  name: string | null;
  tenantId: string;
}

/** A device code to show the person, in msal's message. */
export interface DeviceCodeView {
  /** msal's sentence: where to go and which code to enter. */
  message: string;
  userCode: string;
  verificationUri: string;
  /** When the code stops working (epoch ms). */
  expiresAt: number;
}

/** A sign-in under way: what to show now, and its end. */
export interface StartedSignIn<Shown> {
  shown: Shown;
  /** Resolves with who signed in; rejects when cancelled, timed out or refused. */
  done: Promise<AccountView>;
}

/** What the account needs. */
export interface DelegatedAccountOptions extends PublicClientOptions {
  /** The config in effect now (settings may change the client id or tenant while running). */
  getConfig(): Config;
  /** Records what happened to the account (the agent logs it as an event). */
  record(event: AgentEvent): void;
}

/** The one sign-in that may run at a time. */
interface RunningFlow {
  method: 'browser' | 'deviceCode';
  /** Counts started sign-ins: only the latest one's failure is the last failure. */
  generation: number;
  cancel(reason: string): Promise<void>;
}

/**
 * The person SiteDrop signs in as (auth.method "delegated"), through msal-node's
 * PublicClientApplication: the system-browser flow (loopback, PKCE), the device code flow,
 * silent tokens for delivery (DelegatedTokens), and signing out.
 *
 * One sign-in runs at a time; starting another cancels the first. When the sign-in service
 * refuses the stored sign-in (invalid_grant: revoked, expired), the account needs a person:
 * `account.sign-in-required` is recorded once, and delivery waits until someone signs in.
 */
export class DelegatedAccount implements DelegatedTokens {
  readonly #options: DelegatedAccountOptions;
  #client: PublicClient | undefined;
  #flow: RunningFlow | undefined;
  #isSignInRequired = false;
  #lastSignInFailure: string | null = null;
  #generation = 0;
  /** The stored cache when its sign-in was refused: another process's sign-in replaces it. */
  #refusedCache: string | undefined;

  constructor(options: DelegatedAccountOptions) {
    this.#options = options;
  }

  /** Who is signed in, or null. */
  async current(): Promise<AccountView | null> {
    const account = await this.#account();
    return account ? viewOf(account) : null;
  }

  /** Whether a person must sign in again before delivery can go on. */
  get isSignInRequired(): boolean {
    return this.#isSignInRequired;
  }

  /** Whether a sign-in is under way. */
  get isSigningIn(): boolean {
    return this.#flow !== undefined;
  }

  /** Why the last sign-in started did not sign anyone in; null when it did (or none ran). */
  get lastSignInFailure(): string | null {
    return this.#lastSignInFailure;
  }

  async hasUsableAccount(): Promise<boolean> {
    if (this.#isSignInRequired && (await this.#storedCache()) !== this.#refusedCache) {
      // `sitedrop login` signed someone in from another process: try the new sign-in.
      this.#isSignInRequired = false;
    }
    return !this.#isSignInRequired && (await this.#account()) !== undefined;
  }

  async describeAccount(): Promise<string> {
    const account = await this.current();
    return account ? signedInSentence(account) : 'Nobody is signed in';
  }

  async acquireToken(isFresh: boolean): Promise<AuthenticationResult> {
    const account = await this.#account();
    if (!account) throw new InteractionRequiredAuthError('no_account', 'Nobody is signed in');
    try {
      return await this.#application().acquireTokenSilent({
        account,
        scopes: scopesOf(this.#options.getConfig()),
        forceRefresh: isFresh,
      });
    } catch (error) {
      if (error instanceof InteractionRequiredAuthError) {
        this.#refusedCache = await this.#storedCache();
        this.#requireSignIn(account, error);
      }
      throw error;
    }
  }

  /**
   * Starts the system-browser sign-in: msal's loopback on 127.0.0.1 takes the form_post answer.
   * `shown` resolves with the authorize URL once msal has it (after `openBrowser` was asked to
   * open it); a browser left alone for `timeoutMs` is cancelled with a sentence.
   */
  async signInWithBrowser(options: {
    openBrowser: (url: string) => Promise<void>;
    timeoutMs: number;
  }): Promise<StartedSignIn<{ authorizeUrl: string }>> {
    await this.cancelSignIn('Another sign-in was started');
    let cancelReason: string | undefined;
    let authorizeUrl: string | undefined;
    let resolveUrl: (url: string) => void = () => undefined;
    const urlKnown = new Promise<string>((resolve) => (resolveUrl = resolve));
    const flow: RunningFlow = {
      method: 'browser',
      generation: this.#nextGeneration(),
      cancel: async (reason) => {
        cancelReason ??= reason;
        if (authorizeUrl) await cancelLoopback(authorizeUrl, reason);
      },
    };
    const timer = setTimeout(
      () => void flow.cancel(abandonedSentence(options.timeoutMs)),
      options.timeoutMs,
    );
    timer.unref();
    const acquired = this.#application().acquireTokenInteractive({
      scopes: scopesOf(this.#options.getConfig()),
      prompt: 'select_account',
      successTemplate: 'Signed in to SiteDrop. You can close this window.',
      errorTemplate: 'SiteDrop was not signed in. You can close this window.',
      openBrowser: async (url) => {
        authorizeUrl = url;
        resolveUrl(url);
        if (cancelReason) await cancelLoopback(url, cancelReason);
        else await options.openBrowser(url);
      },
    });
    const done = this.#finish(flow, acquired, () => cancelReason).finally(() =>
      clearTimeout(timer),
    );
    this.#flow = flow;
    const shownUrl = await Promise.race([urlKnown, done.then(() => authorizeUrl ?? '')]);
    return { shown: { authorizeUrl: shownUrl }, done };
  }

  /**
   * Starts the device code sign-in: `shown` resolves with msal's message once the code is
   * issued; msal polls until the person approves it, denies it, or it expires.
   */
  async signInWithDeviceCode(): Promise<StartedSignIn<DeviceCodeView>> {
    await this.cancelSignIn('Another sign-in was started');
    let cancelReason: string | undefined;
    let resolveCode: (code: DeviceCodeView) => void = () => undefined;
    const codeKnown = new Promise<DeviceCodeView>((resolve) => (resolveCode = resolve));
    const request: DeviceCodeRequest = {
      scopes: scopesOf(this.#options.getConfig()),
      deviceCodeCallback: (response) =>
        resolveCode({
          message: response.message,
          userCode: response.userCode,
          verificationUri: response.verificationUri,
          expiresAt: Date.now() + response.expiresIn * 1000,
        }),
    };
    const flow: RunningFlow = {
      method: 'deviceCode',
      generation: this.#nextGeneration(),
      cancel: async (reason) => {
        cancelReason ??= reason;
        // msal stops polling at its next interval.
        request.cancel = true;
      },
    };
    const acquired = this.#application()
      .acquireTokenByDeviceCode(request)
      .then((result) => {
        if (!result) throw new SignInCancelledError(cancelReason ?? 'The sign-in was cancelled');
        return result;
      });
    const done = this.#finish(flow, acquired, () => cancelReason);
    this.#flow = flow;
    const shown = await Promise.race([codeKnown, done.then(() => codeKnown)]);
    return { shown, done };
  }

  /** Cancels the sign-in under way, if any; returns whether one was. */
  async cancelSignIn(reason = 'The sign-in was cancelled'): Promise<boolean> {
    const flow = this.#flow;
    if (!flow) return false;
    this.#flow = undefined;
    await flow.cancel(reason);
    return true;
  }

  /** Signs everyone out: msal's cache forgets the accounts and their tokens. */
  async signOut(): Promise<AccountView | null> {
    await this.cancelSignIn('Signed out');
    const application = this.#application();
    const accounts = await application.getAllAccounts();
    for (const account of accounts) await application.signOut({ account });
    this.#isSignInRequired = false;
    const [first] = accounts;
    this.#options.record({
      type: 'account.signed-out',
      data: { username: first?.username ?? null },
    });
    return first ? viewOf(first) : null;
  }

  /** Cancels a sign-in under way and closes the client's connections; idempotent. */
  async close(): Promise<void> {
    await this.cancelSignIn('SiteDrop is stopping');
    this.#client?.close();
    this.#client = undefined;
  }

  async #finish(
    flow: RunningFlow,
    acquired: Promise<AuthenticationResult>,
    cancelReason: () => string | undefined,
  ): Promise<AccountView> {
    try {
      const result = await acquired;
      if (!result.account) throw new Error('The sign-in service named no account');
      this.#options.redactor.register(result.accessToken);
      const view = viewOf(result.account);
      this.#isSignInRequired = false;
      this.#lastSignInFailure = null;
      this.#options.record({ type: 'account.signed-in', data: view });
      this.#options.logger.info({ username: view.username }, signedInSentence(view));
      return view;
    } catch (error) {
      const reason = cancelReason() ?? failureSentence(error);
      if (flow.generation === this.#generation) this.#lastSignInFailure = reason;
      this.#options.record({
        type: 'account.sign-in-failed',
        data: { method: flow.method, reason },
      });
      throw new SignInCancelledError(reason, { cause: error });
    } finally {
      if (this.#flow === flow) this.#flow = undefined;
    }
  }

  #storedCache(): Promise<string | undefined> {
    return this.#options.secretStore.get(secretNames.delegatedTokenCache);
  }

  #nextGeneration(): number {
    this.#lastSignInFailure = null;
    this.#generation += 1;
    return this.#generation;
  }

  #requireSignIn(account: AccountInfo, error: InteractionRequiredAuthError): void {
    if (this.#isSignInRequired) return;
    this.#isSignInRequired = true;
    this.#options.logger.warn(
      { code: error.errorCode },
      'The sign-in service refused the stored sign-in: someone must sign in again',
    );
    this.#options.record({
      type: 'account.sign-in-required',
      data: {
        username: account.username,
        detail: `Needs attention: sign in again as ${account.username} (the sign-in service answered ${error.errorCode})`,
      },
    });
  }

  async #account(): Promise<AccountInfo | undefined> {
    const [account] = await this.#application().getAllAccounts();
    return account;
  }

  #application() {
    const config = this.#options.getConfig();
    const key = publicClientKey(config);
    if (this.#client?.key !== key) {
      this.#client?.close();
      this.#client = createPublicClient(config, this.#options);
    }
    return this.#client.application;
  }
}

/** "Signed in as <name> (<upn>)". */
export function signedInSentence(account: AccountView): string {
  return account.name
    ? `Signed in as ${account.name} (${account.username})`
    : `Signed in as ${account.username}`;
}

function viewOf(account: AccountInfo): AccountView {
  return { username: account.username, name: account.name ?? null, tenantId: account.tenantId };
}

/**
 * The delegated scopes for the config's cloud: bare Graph permissions for the global cloud (the
 * scope text Entra answers with, under which msal caches the token), qualified by the Graph
 * host for a national cloud, whose Graph is another resource.
 */
function scopesOf(config: Config): string[] {
  const graphOrigin = new URL(resolveCloudEndpoints(config.sharepoint).graphBaseUrl).origin;
  const isNational =
    config.sharepoint.cloud !== 'global' &&
    config.sharepoint.cloud !== 'custom' &&
    graphOrigin !== new URL(cloudEndpoints.global.graphBaseUrl).origin;
  return delegatedScopes.map((scope) =>
    isNational && scope !== 'offline_access' ? `${graphOrigin}/${scope}` : scope,
  );
}

function abandonedSentence(timeoutMs: number): string {
  const minutes = Math.round(timeoutMs / 60_000);
  const duration =
    minutes >= 1 ? `${minutes} min` : `${Math.max(1, Math.round(timeoutMs / 1000))} s`;
  return `The sign-in was cancelled: the browser did not finish it within ${duration}. Sign in again when ready`;
}

/** A sign-in failure in words, without URLs or tokens (msal's first line, AADSTS code kept). */
function failureSentence(error: unknown): string {
  const errorCode = String((error as { errorCode?: unknown }).errorCode ?? '');
  const message = String(
    (error as { errorMessage?: unknown }).errorMessage ?? (error as Error).message ?? error,
  );
  const firstLine = (message.split(/\r?\n/)[0] ?? '').replace(/https?:\/\/\S+/g, '<url>');
  return `The sign-in did not succeed (${errorCode || 'error'}: ${firstLine.slice(0, 300)})`;
}
