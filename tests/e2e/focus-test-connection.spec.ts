/**
 * Test connection keeps the keyboard's focus while it runs: the button stays focusable
 * (aria-disabled, not disabled), so a second Enter runs the test again, and the outcome is
 * announced in the status region that is always there.
 */
import { expect, test } from './helpers/fixtures.ts';

test('Test connection keeps the focus, runs again on a second Enter, and announces the outcome', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  let testsSent = 0;
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => {
      if (String(frame.payload).includes('"testConnection"')) testsSent += 1;
    }),
  );
  await sitedrop.open(page, '/settings');
  const button = page.getByRole('button', { name: /^(Test connection|Testing…)$/ });
  const outcome = page.locator('.test-connection [role="status"]');

  await button.focus();
  await page.keyboard.press('Enter');
  await expect(outcome).toContainText('Everything works: SiteDrop can deliver files.');
  await expect(button).toBeFocused();

  await page.keyboard.press('Enter');
  await expect.poll(() => testsSent).toBe(2);
  await expect(outcome).toContainText('Everything works: SiteDrop can deliver files.');
  await expect(button).toBeFocused();
});
