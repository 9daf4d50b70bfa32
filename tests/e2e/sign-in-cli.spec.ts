/**
 * `sitedrop login --device-code` while the agent runs on the same data directory: the CLI signs
 * in through the emulator's /devicelogin form, and the running agent's dashboard shows who
 * signed in and delivers, without a restart. Agent, CLI and emulator are real processes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loginWithDeviceCode } from './helpers/cli-login.ts';
import { expect, test } from './helpers/fixtures.ts';

test('sitedrop login --device-code beside a running agent: the dashboard shows Dana signed in and a dropped file is delivered', async ({
  sitedrop,
  page,
}) => {
  await sitedrop.start({ auth: { method: 'delegated' } });
  await sitedrop.open(page);
  await expect(page.getByTestId('account-status')).toHaveText('Not signed in');

  const { exitCode, output } = await loginWithDeviceCode(
    ['--data-dir', path.join(sitedrop.directory, 'data'), '--config', sitedrop.configPath],
    fs.readFileSync(sitedrop.emulator.caFile, 'utf8'),
    { SITEDROP_POLICY_FILE: path.join(sitedrop.directory, 'none.json') },
  );
  expect(exitCode).toBe(0);
  expect(output).toContain('Signed in as Dana Site (dana@contoso.example).');

  await expect(page.getByTestId('account-status')).toHaveText(
    'Signed in as Dana Site (dana@contoso.example)',
  );
  sitedrop.drop('signed in from the CLI.pdf', 'the agent took the new sign-in');
  await expect
    .poll(() => sitedrop.delivered('signed in from the CLI.pdf')?.toString(), { timeout: 20_000 })
    .toBe('the agent took the new sign-in');
});
