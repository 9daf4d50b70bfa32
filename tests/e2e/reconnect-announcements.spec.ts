/**
 * While the page reconnects, its live region says so once: the countdown to the next try
 * changes every second outside it, so a screen reader does not announce it again and again.
 */
import { expect, test } from './helpers/fixtures.ts';

test('the reconnect countdown ticks outside the live region, which stays the same', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/');
  await sitedrop.stopAgent();
  const banner = page.locator('[data-connection="reconnecting"]');
  await expect(banner).toBeVisible();
  const live = banner
    .locator('[role="status"], [aria-live]')
    .or(page.locator('[role="status"][data-connection="reconnecting"]'));
  const announced = await live.first().innerText();
  expect(announced).toContain('Reconnecting…');
  expect(announced).not.toMatch(/\d+ seconds?|in \d+ minutes/);
  await expect(banner.getByTestId('reconnect-countdown')).toHaveText(/Trying again (in|now)/);
  await page.waitForTimeout(2_500);
  expect(await live.first().innerText()).toBe(announced);
});
