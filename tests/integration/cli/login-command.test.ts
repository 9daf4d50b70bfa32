import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { emulatorConfigLayer } from '../../../src/main/cli/demo-command.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_USER_DISPLAY_NAME,
  DEMO_USER_PRINCIPAL_NAME,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
} from '../../../tools/graph-emulator/index.ts';
import { CliProcess, cliEnvironment, runCli } from '../../helpers/cli.ts';
import { submitDeviceLogin } from '../../helpers/device-login.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/** Well under the keep-alive and socket timeouts a leftover handle would wait for. */
const promptExitMs = 3_000;

describe('sitedrop login and logout (the CLI as a process, against the emulator)', () => {
  it(
    'signs in with a device code completed on /devicelogin, names the account in status, and logs out',
    { timeout: 60_000 },
    async () => {
      const home = makeTempDir('sitedrop-login-');
      const emulator = await startGraphEmulator({
        ...buildDefaultEmulatorOptions(path.join(home, 'sharepoint')),
        caFile: path.join(home, 'ca.pem'),
        signIn: { deviceCodeIntervalSeconds: 1 },
      });
      onTestFinished(() => emulator.close());
      const dataDir = path.join(home, 'data');
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(
        path.join(dataDir, 'config.json'),
        JSON.stringify({
          folders: [],
          sharepoint: emulatorConfigLayer(emulator).sharepoint,
          auth: { clientId: DEMO_CLIENT_ID },
        }),
      );
      const env = cliEnvironment(home);

      const login = new CliProcess(['login', '--device-code', '--data-dir', dataDir], env);
      await login.waitForOutput('enter the code');
      const message = /open the page (\S+) and enter the code (\S+) to authenticate/.exec(
        login.stdout,
      );
      if (!message) throw new Error(`no device code message: ${login.stdout}`);
      const [, verificationUri = '', userCode = ''] = message;
      expect(
        await submitDeviceLogin({ verificationUri, userCode, caPem: emulator.caCertificatePem }),
      ).toBe(200);
      await login.waitForOutput('Signed in as');
      const signedInAt = Date.now();
      expect(await login.exited).toBe(0);
      // The CLI ends by itself once signed in: no handle (msal's loopback or connections, the
      // logger, the store) is left open, and nothing forces the exit.
      expect(Date.now() - signedInAt).toBeLessThan(promptExitMs);
      expect(login.stdout).toContain(
        `Signed in as ${DEMO_USER_DISPLAY_NAME} (${DEMO_USER_PRINCIPAL_NAME}).`,
      );

      const status = runCli(['status', '--json', '--data-dir', dataDir], env);
      expect(status.exitCode).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        account: {
          username: DEMO_USER_PRINCIPAL_NAME,
          name: DEMO_USER_DISPLAY_NAME,
          tenantId: expect.any(String),
        },
      });
      const secrets = fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8');
      expect(secrets).toContain('auth.delegatedTokenCache');
      expect(login.stdout + login.stderr).not.toMatch(/refresh_token|"secret"/);

      const logout = runCli(['logout', '--data-dir', dataDir], env);
      expect(logout).toMatchObject({ exitCode: 0 });
      expect(logout.stdout).toContain(`Signed out ${DEMO_USER_PRINCIPAL_NAME}.`);
      const after = JSON.parse(runCli(['status', '--json', '--data-dir', dataDir], env).stdout) as {
        account: unknown;
      };
      expect(after.account).toBeNull();
    },
  );

  it('exits 1 with the reason when the device code is denied', async () => {
    const home = makeTempDir('sitedrop-login-denied-');
    const emulator = await startGraphEmulator({
      ...buildDefaultEmulatorOptions(path.join(home, 'sharepoint')),
      caFile: path.join(home, 'ca.pem'),
      signIn: { deviceCodeIntervalSeconds: 1 },
    });
    onTestFinished(() => emulator.close());
    const dataDir = path.join(home, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(
      path.join(dataDir, 'config.json'),
      JSON.stringify({
        folders: [],
        sharepoint: emulatorConfigLayer(emulator).sharepoint,
        auth: { clientId: DEMO_CLIENT_ID },
      }),
    );
    const login = new CliProcess(
      ['login', '--device-code', '--data-dir', dataDir],
      cliEnvironment(home),
    );
    await login.waitForOutput('enter the code');
    const [, verificationUri = '', userCode = ''] =
      /open the page (\S+) and enter the code (\S+) to authenticate/.exec(login.stdout) ?? [];
    await submitDeviceLogin({
      verificationUri,
      userCode,
      caPem: emulator.caCertificatePem,
      action: 'deny',
    });
    expect(await login.exited).toBe(1);
    expect(login.stdout).toMatch(/The sign-in did not succeed \(.*authorization_declined/);
  });
});
