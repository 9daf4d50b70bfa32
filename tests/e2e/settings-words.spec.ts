/**
 * Settings says what is true, in its own words: the secret-storage hint is whole sentences;
 * Test connection names settings by their labels, without GUIDs or config keys; a saved
 * connection change is checked, so a library that does not exist is said plainly instead of
 * "in effect now"; the request-files hint says what intake does with such a file (uploads it).
 */
import { expect, test } from './helpers/fixtures.ts';

/** A config key as config.json spells it (`sharepoint.library`, `auth.clientId`). */
const configKey =
  /\b(?:sharepoint\.(?:library|siteUrl|cloud|authorityHost)|auth\.(?:clientId|tenantId|method)|target\.library)\b/;
const guid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** A sentence that ends and a next one that starts in lower case: a broken fragment. */
const fragment = /[.!?]\s+[a-z]/;

test('the secret-storage hint reads as whole sentences', async ({ page, sitedrop }) => {
  await sitedrop.start();
  await sitedrop.open(page, '/settings');
  await page.getByRole('combobox', { name: 'Sign-in method' }).selectOption('secret');
  const secret = page.getByLabel('Client secret', { exact: true });
  await expect(secret).toHaveAccessibleDescription(
    /Secrets are kept in a file readable only by this user/,
  );
  await expect(secret).not.toHaveAccessibleDescription(fragment);
});

test('Test connection and the check after a save use the screen’s words, and a missing library is said plainly', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/settings');
  const testConnection = page.locator('.test-connection');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(testConnection).toContainText('Everything works: SiteDrop can deliver files.');
  expect(await testConnection.textContent()).not.toMatch(guid);
  expect(await testConnection.textContent()).not.toMatch(configKey);

  await page.getByRole('textbox', { name: 'Library', exact: true }).first().fill('Nope');
  await page.getByRole('button', { name: 'Save settings' }).click();
  const outcome = page.getByTestId('save-outcome');
  await expect(outcome).toContainText('Saved, but the library was not found');
  await expect(outcome).toContainText('The library "Nope" does not exist on the site');
  await expect(outcome).not.toContainText('in effect now');
  expect(await outcome.textContent()).not.toMatch(configKey);

  await page.getByRole('button', { name: 'Test connection' }).click();
  const library = page.locator('[data-step="library"]');
  await expect(library).toContainText('Failed');
  await expect(library).toContainText('“Library”');
  expect(await library.textContent()).not.toMatch(configKey);
  expect(await testConnection.textContent()).not.toMatch(guid);
});

test('the request-files hint says such a file is uploaded, as it is', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start({ folder: { requests: { enabled: true } } });
  await sitedrop.open(page, '/settings');
  const readRequests = page
    .getByRole('region', { name: 'Folder Site office' })
    .getByRole('checkbox', { name: 'Read request files' });
  await expect(readRequests).toBeChecked();
  await expect(readRequests).toHaveAccessibleDescription(/a valid one is uploaded like any file/);

  const request = JSON.stringify({
    request_id: 'REQ-2026-0042',
    device_id: 'tablet-north-yard-03',
    timestamp: '2026-11-21T09:30:00Z',
    parts: [{ part_number: 'HX-220', quantity: 4 }],
  });
  sitedrop.drop('order-42.json', request);
  await page.getByRole('link', { name: 'Activity' }).click();
  await expect(
    page.getByRole('article', { name: 'order-42.json' }).getByText('Delivered'),
  ).toBeVisible();
  expect(sitedrop.delivered('order-42.json')?.toString()).toBe(request);
});
