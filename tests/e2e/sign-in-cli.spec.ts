/**
 * `sitedrop login --device-code` while the agent runs on the same data directory: the CLI signs
 * in through the emulator's /devicelogin form, and the running agent's dashboard shows who
 * signed in and delivers, without a restart. Agent, CLI and emulator are real processes.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { submitDeviceLogin } from '../helpers/device-login.ts';
import { expect, test } from './helpers/fixtures.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

test('sitedrop login --device-code beside a running agent: the dashboard shows Dana signed in and a dropped file is delivered', async ({
  sitedrop,
  page,
}) => {
  await sitedrop.start({ auth: { method: 'delegated' } });
  await sitedrop.open(page);
  await expect(page.getByTestId('account-status')).toHaveText('Not signed in');

  const login = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin', 'sitedrop.js'),
      'login',
      '--device-code',
      '--data-dir',
      path.join(sitedrop.directory, 'data'),
      '--config',
      sitedrop.configPath,
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, SITEDROP_POLICY_FILE: path.join(sitedrop.directory, 'none.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  login.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  login.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => login.once('exit', resolve));
  await expect
    .poll(() => /open the page (\S+) and enter the code (\S+) to authenticate/.test(output))
    .toBe(true);
  const [, verificationUri = '', userCode = ''] =
    /open the page (\S+) and enter the code (\S+) to authenticate/.exec(output) ?? [];
  const caPem = fs.readFileSync(sitedrop.emulator.caFile, 'utf8');
  expect(await submitDeviceLogin({ verificationUri, userCode, caPem })).toBe(200);
  expect(await exited).toBe(0);
  expect(output).toContain('Signed in as Dana Site (dana@contoso.example).');

  await expect(page.getByTestId('account-status')).toHaveText(
    'Signed in as Dana Site (dana@contoso.example)',
  );
  sitedrop.drop('signed in from the CLI.pdf', 'the agent took the new sign-in');
  await expect
    .poll(() => sitedrop.delivered('signed in from the CLI.pdf')?.toString(), { timeout: 20_000 })
    .toBe('the agent took the new sign-in');
});
