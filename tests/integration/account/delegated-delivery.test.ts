import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { emulatorConfigLayer } from '../../../src/main/cli/demo-command.ts';
import type { Agent } from '../../../src/main/core/agent.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_USER_DISPLAY_NAME,
  DEMO_USER_PRINCIPAL_NAME,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
  type GraphEmulator,
} from '../../../tools/graph-emulator/index.ts';
import { submitDeviceLogin } from '../../helpers/device-login.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startTestAgent } from '../../helpers/test-agent.ts';
import { waitFor } from '../../helpers/wait-for.ts';

async function startDelegated() {
  const root = makeTempDir('sitedrop-delegated-');
  const emulator = await startGraphEmulator({
    ...buildDefaultEmulatorOptions(path.join(root, 'sharepoint')),
    caFile: path.join(root, 'ca.pem'),
    signIn: { deviceCodeIntervalSeconds: 1 },
  });
  onTestFinished(() => emulator.close());
  const layer = emulatorConfigLayer(emulator);
  const started = await startTestAgent({
    config: {
      sharepoint: layer.sharepoint,
      auth: { clientId: DEMO_CLIENT_ID, method: 'delegated' },
      delivery: { retry: { inProcessDelaysMs: [50] } },
    },
  });
  return { ...started, emulator };
}

/** Signs in with a device code, approved on the emulator's /devicelogin form. */
async function signInWithDeviceCode(agent: Agent, emulator: GraphEmulator) {
  const started = await agent.account.signInWithDeviceCode();
  expect(started.shown.message).toContain(started.shown.userCode);
  expect(started.shown.message).toContain(started.shown.verificationUri);
  const status = await submitDeviceLogin({
    verificationUri: started.shown.verificationUri,
    userCode: started.shown.userCode,
    caPem: emulator.caCertificatePem,
  });
  expect(status).toBe(200);
  return started.done;
}

function drop(folder: string, name: string): void {
  fs.writeFileSync(path.join(folder, name), `${name}: a request from the site office`);
}

function itemNamed(agent: Agent, name: string) {
  return agent.store.listItems({ limit: 100 }).find((item) => item.relativePath === name);
}

describe('delivering as a signed-in person (delegated, against the emulator)', () => {
  it('keeps files queued until someone signs in with a device code, then delivers them', async () => {
    const { agent, emulator, folderPaths, dataDir } = await startDelegated();
    drop(folderPaths[0]!, 'before.pdf');
    await waitFor(() => itemNamed(agent, 'before.pdf')?.state === 'queued', {
      description: 'the file to be queued',
    });
    expect(agent.delivery.connectionState().detail).toMatch(/nobody is signed in/);
    expect(await agent.account.current()).toBeNull();

    const account = await signInWithDeviceCode(agent, emulator);
    expect(account).toEqual({
      username: DEMO_USER_PRINCIPAL_NAME,
      name: DEMO_USER_DISPLAY_NAME,
      tenantId: expect.any(String),
    });
    expect(await agent.account.describeAccount()).toBe(
      `Signed in as ${DEMO_USER_DISPLAY_NAME} (${DEMO_USER_PRINCIPAL_NAME})`,
    );
    await waitFor(() => itemNamed(agent, 'before.pdf')?.state === 'delivered', {
      description: 'the file to be delivered once signed in',
      timeoutMs: 20_000,
    });
    const report = await agent.delivery.testConnection();
    expect(report.steps.find((step) => step.name === 'credential')?.detail).toBe(
      `Signed in as ${DEMO_USER_DISPLAY_NAME} (${DEMO_USER_PRINCIPAL_NAME})`,
    );
    expect(report.isOk).toBe(true);

    // msal's cache (refresh token included) is in the owner-only secret file, nowhere else.
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as {
      'auth.delegatedTokenCache': string;
    };
    const cache = JSON.parse(secrets['auth.delegatedTokenCache']) as {
      RefreshToken: Record<string, { secret: string }>;
    };
    const [refreshToken] = Object.values(cache.RefreshToken).map((entry) => entry.secret);
    expect(refreshToken).toMatch(/.{20,}/);
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    }
    const logs = fs
      .readdirSync(path.join(dataDir, 'logs'))
      .map((name) => fs.readFileSync(path.join(dataDir, 'logs', name), 'utf8'))
      .join('\n');
    expect(logs).not.toContain(refreshToken);
    expect(logs).toContain(`Signed in as ${DEMO_USER_DISPLAY_NAME}`);
  });

  it('on a revoked sign-in keeps files queued, says "sign in again" once, and delivers after the next sign-in', async () => {
    const { agent, emulator, folderPaths } = await startDelegated();
    await signInWithDeviceCode(agent, emulator);
    emulator.entra.revokeSignInSessions(DEMO_USER_PRINCIPAL_NAME);
    emulator.entra.expireAccessTokens(DEMO_USER_PRINCIPAL_NAME);

    drop(folderPaths[0]!, 'a.pdf');
    drop(folderPaths[0]!, 'b.pdf');
    await waitFor(() => agent.delivery.connectionState().status === 'auth-failed', {
      description: 'delivery to ask for a new sign-in',
      timeoutMs: 20_000,
    });
    expect(agent.delivery.connectionState().detail).toMatch(/^Needs attention: sign in again/);
    await waitFor(
      () => ['a.pdf', 'b.pdf'].every((name) => itemNamed(agent, name)?.state === 'queued'),
      { description: 'both files to wait queued' },
    );
    // Queued and untouched for a while: never retried into failure, never sent.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const name of ['a.pdf', 'b.pdf']) expect(itemNamed(agent, name)?.state).toBe('queued');
    const required = agent.store
      .readEventsSince(0, 1_000)
      .filter((event) => event.type === 'account.sign-in-required');
    expect(required).toHaveLength(1);
    expect(agent.account.isSignInRequired).toBe(true);

    await signInWithDeviceCode(agent, emulator);
    await waitFor(
      () => ['a.pdf', 'b.pdf'].every((name) => itemNamed(agent, name)?.state === 'delivered'),
      { description: 'both files to be delivered after signing in again', timeoutMs: 20_000 },
    );
    expect(agent.delivery.connectionState().status).toBe('ready');
  });
});
