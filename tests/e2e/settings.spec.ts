/**
 * Issue 5, "Done when": settings validation refuses a bad site URL with a clear message, and
 * saving a good one takes effect without a restart; a policy-locked field is read-only.
 */
import fs from 'node:fs';
import { expect, test } from './helpers/fixtures.ts';
import { demoSiteUrl } from './helpers/sitedrop-processes.ts';

test('a bad site URL is refused with a clear message, and a good one is saved', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start({ siteUrl: 'https://contoso.sharepoint.com/sites/Elsewhere' });
  await sitedrop.open(page, '/settings');

  // With the wrong site, the connection test says which step fails.
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.locator('[data-step="site"]')).toContainText('Failed');

  const siteUrl = page.getByRole('textbox', { name: 'Site URL' });
  await siteUrl.fill('http://contoso.sharepoint.com/sites/SiteOffice');
  await expect(page.getByText('Site URL must be an https:// URL.')).toBeVisible();
  await expect(siteUrl).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('save-outcome')).toHaveText(
    'Nothing was saved: correct the fields listed at the top of Settings first.',
  );
  expect(readConfig(sitedrop.configPath).sharepoint.siteUrl).toBe(
    'https://contoso.sharepoint.com/sites/Elsewhere',
  );

  await siteUrl.fill(demoSiteUrl);
  await expect(page.getByText(/Site URL must/)).toHaveCount(0);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('save-outcome')).toHaveText(
    'Saved. The changes are in effect now.',
  );
  expect(readConfig(sitedrop.configPath).sharepoint.siteUrl).toBe(demoSiteUrl);
});

test('a saved site URL is used by the running agent, without a restart', async ({
  page,
  sitedrop,
}) => {
  const agent = await sitedrop.start({ siteUrl: 'https://contoso.sharepoint.com/sites/Elsewhere' });
  await sitedrop.open(page, '/settings');
  await page.getByRole('textbox', { name: 'Site URL' }).fill(demoSiteUrl);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('save-outcome')).toHaveText(
    'Saved. The changes are in effect now.',
  );

  // The same agent process now reaches the site, and delivers a file there.
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText('Everything works: SiteDrop can deliver files.')).toBeVisible();
  await expect(page.locator('[data-step="site"]')).toContainText('OK');
  sitedrop.drop('after-fix.pdf', 'delivered with the new site URL');
  await page.getByRole('link', { name: 'Activity' }).click();
  await expect(
    page.getByRole('article', { name: 'after-fix.pdf' }).getByText('Delivered'),
  ).toBeVisible();
  expect(sitedrop.delivered('after-fix.pdf')?.toString()).toBe('delivered with the new site URL');
  expect(agent.output()).not.toMatch(/agent running[\s\S]*agent running/);
});

test('fields set by the managed policy are read-only and say why', async ({ page, sitedrop }) => {
  await sitedrop.start({
    policy: { sharepoint: { library: 'Documents' }, delivery: { concurrency: 2 } },
  });
  await sitedrop.open(page, '/settings');

  const library = page.getByRole('textbox', { name: 'Library (locked)' });
  await expect(library).toHaveAttribute('readonly', '');
  await expect(library).toHaveValue('Documents');
  await expect(library).toHaveAccessibleDescription(/managed policy/);
  await library.press('End');
  await library.pressSequentially('X');
  await expect(library).toHaveValue('Documents');

  const concurrency = page.getByRole('spinbutton', { name: 'Uploads at the same time (locked)' });
  await expect(concurrency).toHaveAttribute('readonly', '');
  await expect(concurrency).toHaveValue('2');

  // Fields the policy does not set stay editable.
  await expect(page.getByRole('textbox', { name: 'Site URL' })).toBeEditable();
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeDisabled();
});

function readConfig(file: string): { sharepoint: { siteUrl?: string } } {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as { sharepoint: { siteUrl?: string } };
}
