/**
 * Pause and Resume say what they act on, Resume is where "Paused" is shown, and the folders keep
 * their own buttons while everything is paused. A keyboard stays on the button: a second Enter
 * acts again, and each outcome is announced in a status region that is always there.
 */
import { expect, test } from './helpers/fixtures.ts';

test('"Pause all uploads" turns into "Resume uploads" beside "Paused", and folders keep their buttons', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/');
  const health = page.locator('section.health');
  const pauseAll = health.getByRole('button', { name: 'Pause all uploads' });
  await expect(pauseAll).toBeVisible();

  await pauseAll.click();
  await expect(health.getByRole('heading', { name: 'Paused' })).toBeVisible();
  await expect(health.getByRole('button', { name: 'Resume uploads' })).toBeVisible();
  const folderRow = page.locator('tr[data-folder="office"]');
  await expect(folderRow.getByRole('button', { name: /^Pause\b/ })).toBeVisible();

  await health.getByRole('button', { name: 'Resume uploads' }).click();
  await expect(health.getByRole('heading', { name: 'Paused' })).toHaveCount(0);
  await expect(health.getByRole('button', { name: 'Pause all uploads' })).toBeVisible();
});

test('Pause and Resume keep the focus on the button, act on a second Enter, and announce the outcome', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/');
  const health = page.locator('section.health');
  const button = health.getByRole('button', { name: /^(Pause all uploads|Resume uploads)$/ });
  const status = health.getByTestId('pause-outcome');
  await expect(status).toHaveAttribute('role', 'status');

  await button.focus();
  await page.keyboard.press('Enter');
  await expect(health.getByRole('heading', { name: 'Paused' })).toBeVisible();
  await expect(button).toHaveText('Resume uploads');
  await expect(button).toBeFocused();
  await expect(status).toHaveText(/^Uploads paused/);

  await page.keyboard.press('Enter');
  await expect(button).toHaveText('Pause all uploads');
  await expect(button).toBeFocused();
  await expect(status).toHaveText(/^Uploads resumed/);

  const folderButton = page.locator('tr[data-folder="office"]').getByRole('button');
  await folderButton.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('tr[data-folder="office"]')).toContainText('Delivery paused');
  await expect(folderButton).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('tr[data-folder="office"]')).not.toContainText('Delivery paused');
  await expect(folderButton).toBeFocused();
});
