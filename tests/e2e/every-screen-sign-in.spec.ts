/**
 * The screens of signing in as a person, in every state a new install meets: the dashboard's
 * first-run steps before anyone signed in, Settings asking for sign-in, then, signed in as Dana,
 * the dashboard's first-run steps with sign-in done and Settings with the picker listing sites,
 * libraries and folders. Each passes axe
 * in the light and the dark scheme and reflows at 400 and 320 CSS pixels wide (WCAG 1.4.10), as
 * every other screen does (every-screen.spec.ts).
 */
import type { Page } from '@playwright/test';
import { blockingAxeViolations } from './helpers/axe.ts';
import { expect, test, type SiteDrop } from './helpers/fixtures.ts';
import { reflowProblems } from './helpers/reflow.ts';

// The emulator's pages are HTTPS under its own test CA, which this Chromium does not know.
test.use({ ignoreHTTPSErrors: true });

/** Checks the page as it is now: axe in both schemes, then reflow at 400 and 320 px. */
async function problemsOf(page: Page, name: string): Promise<string[]> {
  const found = (await blockingAxeViolations(page)).map((violation) => `${name}: ${violation}`);
  const viewport = page.viewportSize();
  for (const width of [400, 320]) {
    await page.setViewportSize({ width, height: 800 });
    for (const problem of await reflowProblems(page))
      found.push(`${name} at ${width} px: ${problem}`);
  }
  if (viewport) await page.setViewportSize(viewport);
  return found;
}

/** Signs Dana in from the first-run step, in a tab of the test's own Chromium. */
async function signInAsDana(page: Page): Promise<void> {
  const popup = page.waitForEvent('popup');
  await page
    .getByTestId('first-run')
    .getByRole('button', { name: 'Sign in with Microsoft' })
    .click();
  const signInPage = await popup;
  await signInPage.locator('button[data-user="dana@contoso.example"]').click();
  await expect(signInPage.locator('body')).toContainText('Signed in to SiteDrop');
  await signInPage.close();
}

async function openSettings(page: Page, sitedrop: SiteDrop): Promise<void> {
  await sitedrop.open(page, '/settings');
  await expect(page.getByRole('heading', { name: 'SharePoint connection' })).toBeVisible();
}

test('first-run, sign-in and picker screens pass axe in both schemes and reflow at 400 and 320 px', async ({
  page,
  sitedrop,
}) => {
  test.setTimeout(120_000);
  await sitedrop.start({ siteUrl: null, auth: { method: 'delegated' } });
  const found: string[] = [];

  await sitedrop.open(page);
  await expect(page.getByTestId('first-run')).toBeVisible();
  found.push(...(await problemsOf(page, 'dashboard, first run, signed out')));

  await openSettings(page, sitedrop);
  found.push(...(await problemsOf(page, 'settings, signed out')));

  await sitedrop.open(page);
  await signInAsDana(page);
  await expect(page.getByTestId('first-run')).toContainText('done: signed in as Dana Site');
  found.push(...(await problemsOf(page, 'dashboard, first run, signed in')));

  await openSettings(page, sitedrop);
  const picker = page.getByTestId('site-picker');
  await expect(picker).toBeVisible();
  const announced = picker.getByTestId('picker-announcement');
  await expect(announced).toHaveText('1 site you follow.', { timeout: 20_000 });
  await picker.getByRole('radio', { name: /Site Office/ }).check();
  await expect(announced).toHaveText(/document librar(y|ies) on Site Office\.$/);
  await picker.getByRole('radio').last().check();
  await expect(announced).toHaveText(/in the top level\.$/);
  found.push(...(await problemsOf(page, 'settings with the site, library and folder lists')));

  expect(found).toEqual([]);
});
