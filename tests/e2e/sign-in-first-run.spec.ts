/**
 * A new install's dashboard, before any SharePoint connection is configured: it leads with three
 * steps (Sign in, Pick library and folder, Test) and where to drop a file to try it. Agent and
 * emulator run as real processes; the test's Chromium is the browser Dana signs in with.
 */
import { expect, test } from './helpers/fixtures.ts';

// The emulator's pages are HTTPS under its own test CA, which this Chromium does not know.
test.use({ ignoreHTTPSErrors: true });

test('with no connection yet, the dashboard leads with Sign in, Pick library and folder, Test, then where to drop a file', async ({
  sitedrop,
  page,
}) => {
  await sitedrop.start({ siteUrl: null, auth: { method: 'delegated' } });
  await sitedrop.open(page);
  const firstRun = page.getByTestId('first-run');
  const steps = firstRun.getByRole('listitem');
  await expect(steps).toHaveCount(3);
  await expect(steps.nth(0)).toContainText('Sign in');
  await expect(steps.nth(1)).toContainText('Pick library and folder');
  await expect(steps.nth(2)).toContainText('Test');
  await expect(firstRun).toContainText(`Drop a file into ${sitedrop.watchFolder} to try it.`);

  const popup = page.waitForEvent('popup');
  await steps.nth(0).getByRole('button', { name: 'Sign in with Microsoft' }).click();
  const signInPage = await popup;
  await signInPage.locator('button[data-user="dana@contoso.example"]').click();
  await expect(signInPage.locator('body')).toContainText('Signed in to SiteDrop');
  await signInPage.close();
  await expect(steps.nth(0)).toContainText('done: signed in as Dana Site');

  await steps.nth(1).getByRole('link', { name: 'Pick library and folder in Settings' }).click();
  await expect(page).toHaveURL(/\/settings/);
  await expect(page.getByRole('heading', { name: 'SharePoint connection' })).toBeVisible();
  // Signed in as a person, Settings offers the picker there.
  await expect(page.getByTestId('site-picker')).toBeVisible();
});

test('once the connection is configured, the first-run steps are gone', async ({
  sitedrop,
  page,
}) => {
  await sitedrop.start({ auth: { method: 'delegated' } });
  await sitedrop.open(page);
  await expect(page.getByTestId('account-card')).toBeVisible();
  await expect(page.getByTestId('first-run')).toHaveCount(0);
});
