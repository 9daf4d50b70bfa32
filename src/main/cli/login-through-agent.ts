import type { CommandResult, SignInStarted } from '../../shared/feed-protocol.ts';
import { signedInSentence } from '../core/account/index.ts';
import { inspectDataDirLock } from '../core/data-dir-lock/index.ts';
import { readFeedPortFile, readFeedToken } from '../core/feed/index.ts';

/** The HTTP API of the agent running on a data directory. */
export interface RunningAgentApi {
  origin: string;
  token: string;
}

/** How often the CLI asks the agent whether the sign-in ended. */
const outcomePollMs = 300;

/**
 * The feed of the agent running on the data directory (the lock is held and its port and token
 * files name it), or undefined when none runs.
 */
export function runningAgentApi(dataDir: string): RunningAgentApi | undefined {
  const port = readFeedPortFile(dataDir);
  const token = readFeedToken(dataDir);
  if (!inspectDataDirLock(dataDir).isHeld || port === undefined || token === undefined) {
    return undefined;
  }
  return { origin: `http://127.0.0.1:${port}`, token };
}

/**
 * `sitedrop login` beside a running agent: the agent signs in (POST /api/sign-in), with its own
 * settings and token cache, so it uses the new account at once and its dashboard shows it, and
 * so it works for agents whose settings are not in DATA_DIR/config.json (the demo's). The CLI
 * shows what the agent answered and waits for the outcome on GET /api/account.
 *
 * @returns 0 once signed in, 1 when the sign-in ended without it or could not start.
 */
export async function loginThroughAgent(
  api: RunningAgentApi,
  method: SignInStarted['method'],
  show: (started: SignInStarted) => Promise<void>,
  print: (line: string) => void,
): Promise<number> {
  const started = await call(api, 'POST', '/api/sign-in', { method });
  if (!started.ok) {
    print(`The running agent could not start the sign-in: ${started.message}`);
    return 1;
  }
  await show(started.body as SignInStarted);
  const cancel = () => void call(api, 'POST', '/api/sign-in/cancel');
  process.once('SIGINT', cancel);
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, outcomePollMs));
      const answer = await call(api, 'GET', '/api/account');
      if (!answer.ok) {
        print(`The running agent stopped answering: ${answer.message}`);
        return 1;
      }
      const account = answer.body as CommandResult<'getAccount'>;
      if (account.isSigningIn) continue;
      if (account.account === null || account.lastSignInFailure !== null) {
        print(account.lastSignInFailure ?? 'The sign-in did not finish.');
        return 1;
      }
      print(`${signedInSentence(account.account)}.`);
      return 0;
    }
  } finally {
    process.off('SIGINT', cancel);
  }
}

/**
 * `sitedrop logout` beside a running agent: the agent signs out (POST /api/sign-out), so its
 * own token cache forgets the person, wherever it keeps it.
 *
 * @returns 0 once signed out, 1 when the agent refused.
 */
export async function logoutThroughAgent(
  api: RunningAgentApi,
  print: (line: string) => void,
): Promise<number> {
  const answer = await call(api, 'POST', '/api/sign-out');
  if (!answer.ok) {
    print(`The running agent could not sign out: ${answer.message}`);
    return 1;
  }
  const { account } = answer.body as CommandResult<'signOut'>;
  print(account ? `Signed out ${account.username}.` : 'Nobody was signed in.');
  return 0;
}

async function call(
  api: RunningAgentApi,
  method: 'GET' | 'POST',
  pathname: string,
  body?: unknown,
): Promise<{ ok: true; body: unknown } | { ok: false; message: string }> {
  try {
    const response = await fetch(`${api.origin}${pathname}`, {
      method,
      headers: {
        Authorization: `Bearer ${api.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json().catch(() => ({}))) as { message?: string };
    return response.ok
      ? { ok: true, body: json }
      : { ok: false, message: json.message ?? `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}
