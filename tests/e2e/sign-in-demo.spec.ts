/**
 * `sitedrop demo` (a real process: agent and emulator) starts signed in as the demo user, so the
 * loop works at once; Sign out and Sign in then go through the emulator's own pages, here in the
 * test's Chromium, which stands in for the system browser.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loginWithDeviceCode } from './helpers/cli-login.ts';
import { runCli, startDemoProcess } from './helpers/sitedrop-processes.ts';

// The emulator's pages are HTTPS under its own test CA, which this Chromium does not know.
test.use({ ignoreHTTPSErrors: true });

test('the demo starts signed in as Dana and delivers; after Sign out, sitedrop login and Sign in each go through the emulator pages', async ({
  page,
}) => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sitedrop-e2e-demo-'));
  const dataDir = path.join(directory, 'data');
  const demo = await startDemoProcess(dataDir);
  try {
    await page.goto(demo.dashboardUrl);
    const status = page.getByTestId('account-status');
    await expect(status).toHaveText('Signed in as Dana Site (dana@contoso.example)');
    fs.writeFileSync(path.join(demo.watchFolder, 'demo.pdf'), 'from the demo');
    const delivered = path.join(demo.libraryFolder, 'demo.pdf');
    await expect
      .poll(() => (fs.existsSync(delivered) ? fs.readFileSync(delivered, 'utf8') : undefined), {
        timeout: 20_000,
      })
      .toBe('from the demo');

    const card = page.getByTestId('account-card');
    await card.getByRole('button', { name: 'Sign out' }).click();
    await expect(status).toHaveText('Not signed in');

    // sitedrop login beside the demo: the demo's agent signs in (its settings are not in
    // DATA_DIR/config.json), through the emulator's /devicelogin form.
    const login = await loginWithDeviceCode(
      ['--data-dir', dataDir],
      fs.readFileSync(path.join(dataDir, 'demo-ca.pem'), 'utf8'),
    );
    expect(login.output).toContain('Signed in as Dana Site (dana@contoso.example).');
    expect(login.exitCode).toBe(0);
    await expect(status).toHaveText('Signed in as Dana Site (dana@contoso.example)');

    // sitedrop logout beside the demo: its agent signs out, and the dashboard says so.
    expect(runCli(['logout', '--data-dir', dataDir])).toContain('Signed out dana@contoso.example.');
    await expect(status).toHaveText('Not signed in');
    const popup = page.waitForEvent('popup');
    await card.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    const signInPage = await popup;
    await signInPage.locator('button[data-user="dana@contoso.example"]').click();
    await expect(signInPage.locator('body')).toContainText('Signed in to SiteDrop');
    await signInPage.close();
    await expect(status).toHaveText('Signed in as Dana Site (dana@contoso.example)');
  } finally {
    await demo.close();
    fs.rmSync(directory, { recursive: true, force: true });
  }
});
