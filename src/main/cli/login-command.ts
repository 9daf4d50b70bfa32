import { spawn } from 'node:child_process';
import {
  DelegatedAccount,
  signedInSentence,
  startSignIn,
  type AccountView,
} from '../core/account/index.ts';
import {
  builtInDefaults,
  defaultPolicyPath,
  loadConfig,
  userConfigPath,
} from '../core/config/index.ts';
import { EventBus } from '../core/events/index.ts';
import { systemClock } from '../core/lifecycle/index.ts';
import { createLogger } from '../core/logging/index.ts';
import { FileSecretStore } from '../core/secrets/index.ts';
import { Store } from '../core/store/index.ts';
import type { AgentEvent } from '../../shared/events.ts';
import type { SignInStarted } from '../../shared/feed-protocol.ts';
import { loginThroughAgent, logoutThroughAgent, runningAgentApi } from './login-through-agent.ts';

/** Options of `sitedrop login` and `sitedrop logout`. */
export interface AccountCommandOptions {
  dataDir: string;
  configPath?: string;
  policyPath?: string;
}

/**
 * `sitedrop login`: signs a person in for the data directory, in the system browser (the
 * sign-in page is opened with `open`/`xdg-open` where there is one, and printed) or with
 * `--device-code` (msal's message is printed as it is), and waits until the sign-in is done.
 *
 * When an agent runs on the data directory, the agent signs in (through its HTTP API), so it
 * uses its own settings and token cache and its dashboard shows the account at once. Otherwise
 * the token cache lands in the data directory's owner-only secret file, where an agent started
 * later reads it. The outcome is
 * logged as an `account.*` event, so `sitedrop status` and the dashboard name the account.
 *
 * @returns the exit code: 0 once signed in, 1 when the sign-in ended without it.
 */
export async function runLogin(
  options: AccountCommandOptions & { isDeviceCode: boolean },
  print: (line: string) => void,
): Promise<number> {
  const method = options.isDeviceCode ? 'deviceCode' : 'browser';
  const agentApi = runningAgentApi(options.dataDir);
  if (agentApi) {
    print('A SiteDrop agent runs on this data directory: it signs in, with its own settings.');
    return loginThroughAgent(
      agentApi,
      method,
      async (started) => {
        const isOpened =
          started.method === 'browser' &&
          (started.isBrowserOpened ||
            (await openWithSystemOpener(started.authorizeUrl).then(
              () => true,
              () => false,
            )));
        printStarted(started, isOpened, print);
      },
      print,
    );
  }
  return withAccount(options, async (account, config, logger) => {
    const started = await startSignIn(account, method, {
      config,
      logger,
      openExternal: openWithSystemOpener,
    });
    printStarted(started, started.method === 'browser' && started.isBrowserOpened, print);
    const view = await waitForOutcome(account);
    if (!view) {
      print(account.lastSignInFailure ?? 'The sign-in did not finish.');
      return 1;
    }
    print(`${signedInSentence(view)}.`);
    return 0;
  });
}

/** Prints what a started sign-in asks of the person: msal's device code message, or the page. */
function printStarted(
  started: SignInStarted,
  isBrowserOpened: boolean,
  print: (line: string) => void,
): void {
  if (started.method === 'deviceCode') {
    print(started.message);
  } else {
    print(
      isBrowserOpened
        ? 'Sign in in the browser window that opened. If none did, open:'
        : 'Open this page in a browser on this computer to sign in:',
    );
    print(started.authorizeUrl);
  }
  print('Waiting for the sign-in to finish… (Ctrl+C cancels)');
}

/**
 * `sitedrop logout`: forgets the signed-in person's tokens for the data directory; the running
 * agent signs out when one runs there.
 */
export async function runLogout(
  options: AccountCommandOptions,
  print: (line: string) => void,
): Promise<number> {
  const agentApi = runningAgentApi(options.dataDir);
  if (agentApi) return logoutThroughAgent(agentApi, print);
  return withAccount(options, async (account) => {
    const signedOut = await account.signOut();
    print(signedOut ? `Signed out ${signedOut.username}.` : 'Nobody was signed in.');
    return 0;
  });
}

/** Runs `work` with an account on the data directory, recording its events in the store. */
async function withAccount(
  options: AccountCommandOptions,
  work: (
    account: DelegatedAccount,
    config: ReturnType<typeof loadConfig>['config'],
    logger: Awaited<ReturnType<typeof createLogger>>['logger'],
  ) => Promise<number>,
): Promise<number> {
  const { config } = loadConfig({
    defaults: builtInDefaults(),
    userConfigPath: options.configPath ?? userConfigPath(options.dataDir),
    policyPath: options.policyPath ?? defaultPolicyPath(),
  });
  const agentLogger = await createLogger({
    dataDir: options.dataDir,
    level: config.log.level,
    maxFileBytes: config.log.maxFileBytes,
    maxFiles: config.log.maxFiles,
    console: false,
  });
  const { logger, redactor } = agentLogger;
  const account = new DelegatedAccount({
    getConfig: () => config,
    secretStore: new FileSecretStore(options.dataDir),
    redactor,
    logger,
    record: (event) => recordEvent(options.dataDir, event),
  });
  const cancel = () => void account.cancelSignIn('The sign-in was cancelled (Ctrl+C)');
  process.once('SIGINT', cancel);
  try {
    return await work(account, config, logger);
  } finally {
    process.off('SIGINT', cancel);
    await account.close();
    await agentLogger.close();
  }
}

/** Appends an account event to the data directory's event log (safe while an agent runs). */
function recordEvent(dataDir: string, event: AgentEvent): void {
  const store = Store.open({
    dataDir,
    clock: systemClock,
    bus: new EventBus(() => undefined),
    isRecoveryAllowed: false,
  });
  try {
    store.appendEvent(event);
  } finally {
    store.close();
  }
}

/** Waits until the sign-in under way ends: who signed in, or undefined. */
async function waitForOutcome(account: DelegatedAccount): Promise<AccountView | undefined> {
  while (account.isSigningIn) await new Promise((resolve) => setTimeout(resolve, 200));
  if (account.lastSignInFailure !== null) return undefined;
  return (await account.current()) ?? undefined;
}

/**
 * Opens a URL with the system's opener (`open` on macOS, `start` on Windows, `xdg-open`
 * elsewhere); rejects when there is none, and the URL is printed anyway.
 */
function openWithSystemOpener(url: string): Promise<void> {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
