import https from 'node:https';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { emulatorConfigLayer } from '../../../src/main/cli/demo-command.ts';
import { DelegatedAccount, startSignIn } from '../../../src/main/core/account/index.ts';
import { createLogger } from '../../../src/main/core/logging/index.ts';
import { FileSecretStore } from '../../../src/main/core/secrets/index.ts';
import { ConfigSchema } from '../../../src/shared/config-schema.ts';
import type { AgentEvent } from '../../../src/shared/events.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_USER_DISPLAY_NAME,
  DEMO_USER_PRINCIPAL_NAME,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
} from '../../../tools/graph-emulator/index.ts';
import {
  FormBrowser,
  readForms,
  signInThroughPages,
} from '../../unit/tools/graph-emulator/form-browser.ts';
import { submitDeviceLogin } from '../../helpers/device-login.ts';
import { httpRequest, TestFeedClient } from '../../helpers/feed-client.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startTestAgent } from '../../helpers/test-agent.ts';
import { waitFor } from '../../helpers/wait-for.ts';

async function startEmulator(root: string) {
  const emulator = await startGraphEmulator({
    ...buildDefaultEmulatorOptions(path.join(root, 'sharepoint')),
    caFile: path.join(root, 'ca.pem'),
    signIn: { deviceCodeIntervalSeconds: 1 },
  });
  onTestFinished(() => emulator.close());
  return emulator;
}

async function startDelegatedAgent() {
  const emulator = await startEmulator(makeTempDir('sitedrop-sign-in-'));
  const started = await startTestAgent({
    config: {
      sharepoint: emulatorConfigLayer(emulator).sharepoint,
      auth: { clientId: DEMO_CLIENT_ID },
    },
  });
  return { ...started, emulator };
}

/** Plays the person's browser: signs in as Dana and posts the answer to msal's loopback. */
async function completeInBrowser(authorizeUrl: string, caPem: string): Promise<void> {
  const browser = new FormBrowser(new https.Agent({ ca: caPem }));
  const answer = await signInThroughPages(browser, authorizeUrl, DEMO_USER_PRINCIPAL_NAME);
  const [form] = readForms(answer);
  if (!form) throw new Error(`no form_post on the answer page: ${answer.html.slice(0, 300)}`);
  await browser.submit(form);
}

describe('signing in from the dashboard and the HTTP API (feed commands)', () => {
  it('signs in with a device code over the HTTP API, and signs out', async () => {
    const { agent, emulator } = await startDelegatedAgent();
    const api = (method: string, pathname: string, body?: unknown) =>
      httpRequest(agent.feed.port, method, pathname, {
        token: agent.feed.token,
        ...(body === undefined ? {} : { body }),
      });
    expect((await api('GET', '/api/account')).json).toEqual({
      account: null,
      isSignInRequired: false,
      isSigningIn: false,
      lastSignInFailure: null,
      authMethod: 'delegated',
    });
    const started = await api('POST', '/api/sign-in', { method: 'deviceCode' });
    expect(started.status).toBe(200);
    const code = started.json as { message: string; userCode: string; verificationUri: string };
    expect(code.message).toContain(code.userCode);
    expect((await api('GET', '/api/account')).json).toMatchObject({ isSigningIn: true });
    await submitDeviceLogin({ ...code, caPem: emulator.caCertificatePem });
    const account = { username: DEMO_USER_PRINCIPAL_NAME, name: DEMO_USER_DISPLAY_NAME };
    await waitFor(
      async () =>
        ((await api('GET', '/api/account')).json as { isSigningIn: boolean }).isSigningIn === false,
      { description: 'the sign-in to finish' },
    );
    expect((await api('GET', '/api/account')).json).toMatchObject({ account, isSigningIn: false });
    expect((await api('GET', '/api/status')).json).toMatchObject({ account });

    expect((await api('POST', '/api/sign-out')).json).toMatchObject({ account });
    expect((await api('GET', '/api/account')).json).toMatchObject({ account: null });
    const types = agent.store.readEventsSince(0, 1_000).map((event) => event.type);
    expect(types.filter((type) => type.startsWith('account.'))).toEqual([
      'account.signed-in',
      'account.signed-out',
    ]);
  });

  it('signs in through the browser: the page gets the sign-in URL and "Signed in as" follows as an event', async () => {
    const { agent, emulator } = await startDelegatedAgent();
    const client = await TestFeedClient.connect(agent.feed, { version: 3 });
    const reply = await client.request('signIn', { method: 'browser' });
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.result).toMatchObject({ method: 'browser', isBrowserOpened: false });
    if (reply.result.method !== 'browser') throw new Error('not a browser sign-in');
    const authorizeUrl = new URL(reply.result.authorizeUrl);
    expect(authorizeUrl.searchParams.get('response_mode')).toBe('form_post');
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    await completeInBrowser(reply.result.authorizeUrl, emulator.caCertificatePem);
    const signedIn = await client.waitFor(
      (message): message is Extract<typeof message, { type: 'event' | 'events' }> =>
        (message.type === 'events' &&
          message.events.some((event) => event.type === 'account.signed-in')) ||
        (message.type === 'event' && message.event.type === 'account.signed-in'),
    );
    expect(JSON.stringify(signedIn)).toContain(DEMO_USER_DISPLAY_NAME);
    expect(await agent.account.describeAccount()).toBe(
      `Signed in as ${DEMO_USER_DISPLAY_NAME} (${DEMO_USER_PRINCIPAL_NAME})`,
    );
  });

  it('cancels a sign-in on request, and says so', async () => {
    const { agent } = await startDelegatedAgent();
    const client = await TestFeedClient.connect(agent.feed);
    const reply = await client.request('signIn', { method: 'browser' });
    expect(reply.ok).toBe(true);
    expect(await client.request('cancelSignIn', {})).toEqual({
      ok: true,
      result: { isCancelled: true },
    });
    await waitFor(() => !agent.account.isSigningIn, { description: 'the sign-in to end' });
    expect(agent.account.lastSignInFailure).toBe('The sign-in was cancelled');
    expect(await agent.account.current()).toBeNull();
  });

  it('refuses to sign in as a person while the agent signs in app-only, saying what to change', async () => {
    const { agent } = await startTestAgent({ config: { auth: { method: 'secret' } } });
    const client = await TestFeedClient.connect(agent.feed);
    const reply = await client.request('signIn', { method: 'deviceCode' });
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'sign-in.unavailable',
        message: expect.stringMatching(/Sign in with Microsoft/),
      },
    });
  });
});

describe('a browser sign-in nobody finishes', () => {
  it('is cancelled after its timeout with a sentence, and the loopback is closed', async () => {
    const root = makeTempDir('sitedrop-abandoned-');
    const emulator = await startEmulator(root);
    const config = ConfigSchema.parse({
      sharepoint: emulatorConfigLayer(emulator).sharepoint,
      auth: { clientId: DEMO_CLIENT_ID },
    });
    const { logger, redactor, close } = await createLogger({
      dataDir: root,
      level: 'warn',
      maxFileBytes: 1024 * 1024,
      maxFiles: 2,
      console: false,
    });
    onTestFinished(() => close());
    const events: AgentEvent[] = [];
    const account = new DelegatedAccount({
      getConfig: () => config,
      secretStore: new FileSecretStore(root, {}),
      redactor,
      logger,
      record: (event) => events.push(event),
    });
    onTestFinished(() => account.close());
    const started = await startSignIn(account, 'browser', {
      config,
      logger,
      browserTimeoutMs: 300,
    });
    if (started.method !== 'browser') throw new Error('not a browser sign-in');
    await waitFor(() => events.some((event) => event.type === 'account.sign-in-failed'), {
      description: 'the abandoned sign-in to be cancelled',
    });
    expect(events).toEqual([
      {
        type: 'account.sign-in-failed',
        data: {
          method: 'browser',
          reason:
            'The sign-in was cancelled: the browser did not finish it within 1 s. Sign in again when ready',
        },
      },
    ]);
    const redirectUri = new URL(new URL(started.authorizeUrl).searchParams.get('redirect_uri')!);
    await expect(httpRequest(Number(redirectUri.port), 'GET', '/')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
