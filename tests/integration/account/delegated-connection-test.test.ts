import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { emulatorConfigLayer } from '../../../src/main/cli/demo-command.ts';
import { cannotOpenSiteSentence } from '../../../src/shared/site-access.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_USER_PRINCIPAL_NAME,
  OUTSIDER_USER_PRINCIPAL_NAME,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
} from '../../../tools/graph-emulator/index.ts';
import { signInAs } from '../../helpers/device-login.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startTestAgent } from '../../helpers/test-agent.ts';

/** An agent signed in as `user`, its site set, against the demo emulator. */
async function startSignedIn(user: string) {
  const root = makeTempDir('sitedrop-delegated-test-');
  const emulator = await startGraphEmulator({
    ...buildDefaultEmulatorOptions(path.join(root, 'sharepoint')),
    caFile: path.join(root, 'ca.pem'),
    signIn: { deviceCodeIntervalSeconds: 1 },
  });
  onTestFinished(() => emulator.close());
  const layer = emulatorConfigLayer(emulator);
  const { agent } = await startTestAgent({
    config: {
      sharepoint: layer.sharepoint,
      auth: { clientId: DEMO_CLIENT_ID, method: 'delegated' },
      delivery: { retry: { inProcessDelaysMs: [50] } },
    },
  });
  await signInAs(agent, emulator, user);
  return agent;
}

function stepNamed(report: { steps: { name: string }[] }, name: string) {
  return report.steps.find((step) => step.name === name);
}

describe('Test connection when signed in as a person (delegated, against the emulator)', () => {
  it('passes every step for Dana, who may open and write to the site', async () => {
    const agent = await startSignedIn(DEMO_USER_PRINCIPAL_NAME);
    const report = await agent.delivery.testConnection();
    expect(report.steps.filter((step) => step.status !== 'ok')).toEqual([]);
    expect(report.isOk).toBe(true);
  });

  it("names Sam and whom to ask when he can't open the site", async () => {
    const agent = await startSignedIn(OUTSIDER_USER_PRINCIPAL_NAME);
    const report = await agent.delivery.testConnection();
    expect(report.isOk).toBe(false);
    expect(stepNamed(report, 'token')).toMatchObject({ status: 'ok' });
    expect(stepNamed(report, 'site')).toEqual({
      name: 'site',
      status: 'failed',
      detail: cannotOpenSiteSentence('Sam Outsider'),
      code: 'auth.site-access-denied',
    });
    expect(cannotOpenSiteSentence('Sam Outsider')).toBe(
      "Sam can't open this site: ask its owner to share it or grant Sites.Selected.",
    );
  });
});
