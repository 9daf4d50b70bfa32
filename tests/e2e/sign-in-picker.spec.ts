/**
 * Choosing the SharePoint site, library and folder from lists after signing in with Microsoft,
 * against the agent and the emulator as real processes (the emulator's Entra pages in the test's
 * Chromium stand in for the system browser). Dana, who may open every site, finds the site three
 * ways, picks the library and a folder, passes Test connection, and a dropped file lands in that
 * folder in the emulator's store. Sam, who may open no site, reads why at each step.
 */
import type { Page } from '@playwright/test';
import { blockingAxeViolations } from './helpers/axe.ts';
import { expect, test, type SiteDrop } from './helpers/fixtures.ts';
import { demoLibrary, demoSiteUrl } from './helpers/sitedrop-processes.ts';

// The emulator's pages are HTTPS under its own test CA, which this Chromium does not know.
test.use({ ignoreHTTPSErrors: true });

/** The folder in the library that files are to go to (made in the emulator before the test). */
const targetFolder = 'Requests';

/** Signs in from the dashboard's account card as `upn`, picking them on the emulator's page. */
async function signInAs(page: Page, upn: string, name: string): Promise<void> {
  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign in with Microsoft' }).first().click();
  const signInPage = await popup;
  await signInPage.locator(`button[data-user="${upn}"]`).click();
  await expect(signInPage.locator('body')).toContainText('Signed in to SiteDrop');
  await signInPage.close();
  await expect(page.getByText(new RegExp(`signed in as ${name}`, 'i')).first()).toBeVisible();
}

/** Starts the agent (delegated; `siteUrl` null: none yet, as a new install) and signs in. */
async function startSignedIn(
  sitedrop: SiteDrop,
  page: Page,
  person: { upn: string; name: string; siteUrl?: null },
) {
  const { upn, name } = person;
  const made = await sitedrop.emulator.control(
    'PUT',
    `files/${demoLibrary}/${targetFolder}/readme.txt`,
    'what this folder is for',
  );
  expect(made.status).toBe(201);
  await sitedrop.start({
    auth: { method: 'delegated' },
    ...(person.siteUrl === null ? { siteUrl: null } : {}),
  });
  await sitedrop.open(page);
  await signInAs(page, upn, name);
  await sitedrop.open(page, '/settings');
  return page.getByTestId('site-picker');
}

test('Dana picks the site (followed, searched, pasted), the library and a folder; Test connection passes and a dropped file lands there', async ({
  sitedrop,
  page,
}) => {
  const picker = await startSignedIn(sitedrop, page, {
    upn: 'dana@contoso.example',
    name: 'Dana Site',
    siteUrl: null,
  });
  const announced = picker.getByTestId('picker-announcement');
  await expect(announced).toHaveText('1 site you follow.');
  await expect(picker.getByRole('radio', { name: /Site Office/ })).toBeVisible();

  await picker.getByLabel('Search sites').fill('office');
  await picker.getByLabel('Search sites').press('Enter');
  await expect(announced).toHaveText('1 site found.');
  await picker.getByRole('radio', { name: /Site Office/ }).check();
  await expect(announced).toHaveText('1 document library on Site Office.');

  await picker.getByLabel('Site or library address').fill(demoSiteUrl);
  await picker.getByRole('button', { name: 'Open address' }).click();
  await expect(announced).toHaveText('1 document library on Site Office.');
  await picker.getByRole('radio', { name: demoLibrary }).check();
  await expect(announced).toHaveText('1 folder in the top level.');

  expect(await blockingAxeViolations(page)).toEqual([]);
  await picker.getByRole('button', { name: `Open ${targetFolder}` }).click();
  await expect(announced).toHaveText(`0 folders in ${targetFolder}.`);
  await picker.getByRole('button', { name: 'Use this folder for Site office' }).click();
  await expect(announced).toHaveText(
    `Files from Site office go to ${demoLibrary}/${targetFolder}; save the settings to keep it.`,
  );
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('save-outcome')).toHaveText(
    'Saved. The changes are in effect now.',
  );

  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText('Everything works: SiteDrop can deliver files.')).toBeVisible({
    timeout: 20_000,
  });

  sitedrop.drop('picked.pdf', 'into the folder Dana picked');
  await expect
    .poll(() => sitedrop.delivered(`${targetFolder}/picked.pdf`)?.toString(), { timeout: 15_000 })
    .toBe('into the folder Dana picked');
});

test("Sam, who may open no site, is told so at each step, and Test connection says he can't open the site", async ({
  sitedrop,
  page,
}) => {
  const picker = await startSignedIn(sitedrop, page, {
    upn: 'sam@contoso.example',
    name: 'Sam Outsider',
  });
  const announced = picker.getByTestId('picker-announcement');
  await expect(announced).toHaveText(
    'You follow no SharePoint sites yet: search for the site by name, or paste its address.',
  );
  await picker.getByLabel('Search sites').fill('office');
  await picker.getByRole('button', { name: 'Search' }).click();
  await expect(announced).toHaveText(
    `No site matches "office": check the spelling, search for part of the name, or paste the site's address.`,
  );
  await picker.getByLabel('Site or library address').fill(demoSiteUrl);
  await picker.getByLabel('Site or library address').press('Enter');
  const cannotOpen = "Sam can't open this site: ask its owner to share it or grant Sites.Selected.";
  await expect(announced).toHaveText(cannotOpen);

  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.locator('[data-step="site"]')).toContainText(cannotOpen, { timeout: 20_000 });
});
