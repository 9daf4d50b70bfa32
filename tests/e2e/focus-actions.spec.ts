/**
 * After a person presses an action by keyboard, the focus stays with it and the outcome is
 * announced: Retry on a file, Cancel upload (the focus goes into its confirmation and back),
 * Retry all failed files and Save settings. A control that was disabled or taken away while the
 * agent answered dropped the focus to the page, and a second Enter did nothing.
 */
import { expect, test } from './helpers/fixtures.ts';

test('Retry on a file keeps the focus and announces what became of it', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.emulator.addFault({ method: 'PUT', path: 'permit.pdf', status: 403, times: 1 });
  await sitedrop.open(page, '/activity');
  sitedrop.drop('permit.pdf', 'permit contents');
  const row = page.getByRole('article', { name: 'permit.pdf' });
  await expect(row.locator('.badge')).toHaveText(/Failed$/);
  await row.getByRole('link', { name: 'permit.pdf', exact: true }).click();

  const retry = page.getByRole('button', { name: 'Retry' });
  await retry.focus();
  await page.keyboard.press('Enter');
  const status = page.locator('.actions').getByRole('status');
  await expect(status).toHaveText('Tried again: delivered.');
  await expect(page.locator('.item-heading .badge')).toHaveText(/Delivered$/);
  await expect(retry).toBeFocused();
  // Nothing is left to retry: the button says so instead of going away.
  await expect(retry).toHaveAttribute('aria-disabled', 'true');
  await page.keyboard.press('Enter');
  await expect(retry).toBeFocused();
});

test('Cancel upload moves the focus into its confirmation and back, and announces the cancel', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  // SharePoint asks to come back in 10 minutes: the file waits, not yet finished.
  await sitedrop.emulator.addFault({
    method: 'PUT',
    path: '/content',
    status: 503,
    retryAfterSeconds: 600,
  });
  await sitedrop.open(page, '/activity');
  sitedrop.drop('drawing.pdf', 'drawing');
  const row = page.getByRole('article', { name: 'drawing.pdf' });
  await expect(row.locator('.badge')).toHaveText(/Will retry$/);
  await row.getByRole('link', { name: 'drawing.pdf', exact: true }).click();

  const cancel = page.getByRole('button', { name: 'Cancel upload' });
  const confirmation = page.getByRole('group', { name: 'Confirm cancelling' });
  await cancel.focus();
  await page.keyboard.press('Enter');
  await expect(confirmation.getByRole('button', { name: 'Keep it' })).toBeFocused();

  // "Keep it" gives the focus back; a second Enter asks again.
  await page.keyboard.press('Enter');
  await expect(confirmation).toHaveCount(0);
  await expect(cancel).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(confirmation.getByRole('button', { name: 'Keep it' })).toBeFocused();

  await page.keyboard.press('Shift+Tab');
  await expect(confirmation.getByRole('button', { name: 'Yes, cancel it' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('.item-detail > .actions > [role="status"]')).toHaveText('Cancelled.');
  await expect(page.locator('.item-heading .badge')).toHaveText(/Cancelled$/);
  await expect(cancel).toBeFocused();
  await expect(cancel).toHaveAttribute('aria-disabled', 'true');
});

test('Retry all keeps the focus while it runs and, once its button goes, on the announced result', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.emulator.addFault({ method: 'PUT', path: 'permit.pdf', status: 403, times: 1 });
  await sitedrop.open(page, '/');
  sitedrop.drop('permit.pdf', 'permit contents');

  const retryAll = page.getByRole('button', { name: 'Retry 1 failed file' });
  await retryAll.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'All good' })).toBeVisible();
  const result = page.getByRole('status').filter({ hasText: 'queued again' });
  await expect(result).toHaveText('1 file queued again: SiteDrop sends it now.');
  await expect(result).toBeFocused();
});

test('Save keeps the focus, announces the outcome, and a second Enter answers too', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/settings');
  const folder = page.getByRole('region', { name: 'Folder Site office' });
  await folder.getByRole('textbox', { name: 'Stability window' }).fill('0.9 s');

  const save = page.getByRole('button', { name: 'Save settings' });
  const outcome = page.getByTestId('save-outcome');
  await expect(outcome).toHaveRole('status');
  await save.focus();
  await page.keyboard.press('Enter');
  await expect(outcome).toHaveText('Saved. The changes are in effect now.');
  await expect(save).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(outcome).toHaveText('Nothing to save: no setting was changed.');
  await expect(save).toBeFocused();
});
