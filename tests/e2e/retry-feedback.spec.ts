/**
 * Retry tells the truth as the file moves on: "Queued again" does not stay beside a Failed
 * badge once the retry failed too; Retry all's result outlasts its button; the attempt count
 * agrees with the attempts listed.
 */
import { expect, test } from './helpers/fixtures.ts';

test('a retry that fails again says so, instead of "Queued again" beside Failed, and counts every attempt listed', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  // SharePoint refuses this file every time: the retry fails like the first attempt.
  await sitedrop.emulator.addFault({ method: 'PUT', path: 'permit.pdf', status: 403 });
  await sitedrop.open(page, '/activity');
  sitedrop.drop('permit.pdf', 'permit contents');
  const row = page.getByRole('article', { name: 'permit.pdf' });
  await expect(row.locator('.badge')).toHaveText(/Failed$/);
  await row.getByRole('link', { name: 'permit.pdf', exact: true }).click();
  const attempts = page.getByRole('region', { name: 'Attempts' }).locator('tbody tr');
  await expect(attempts).toHaveCount(1);

  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(attempts).toHaveCount(2);
  await expect(page.locator('.item-heading .badge')).toHaveText(/Failed$/);
  const status = page.locator('.actions').getByRole('status');
  await expect(status).toHaveText('Tried again: not delivered. What happened is below.');
  await expect(page.getByText('Queued again: SiteDrop sends it now.')).toHaveCount(0);

  const details = page.getByRole('region', { name: 'Details' });
  await expect(details.locator('dt:text-is("Attempts") + dd')).toHaveText(
    '2 (1 since it was last queued again)',
  );
});

test('Retry all names what it retries, and its result stays after the button goes', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.emulator.addFault({ method: 'PUT', path: 'permit.pdf', status: 403, times: 1 });
  await sitedrop.open(page, '/');
  sitedrop.drop('permit.pdf', 'permit contents');

  const health = page.getByRole('region', { name: 'Needs attention' });
  const retryAll = health.getByRole('button', { name: 'Retry 1 failed file' });
  await expect(retryAll).toBeVisible();
  await retryAll.click();

  await expect(page.getByRole('heading', { name: 'All good' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Retry/ })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'queued again' })).toHaveText(
    '1 file queued again: SiteDrop sends it now.',
  );
  expect(sitedrop.delivered('permit.pdf')?.toString()).toBe('permit contents');
});
