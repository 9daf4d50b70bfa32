/**
 * Issue 6: in the desktop window, an item's page shows its file in the system file manager
 * through the shell's `showItemInFolder` (the preload's `window.sitedrop`, stood in for here,
 * since the Electron binary cannot be downloaded on this machine). In a plain browser, where
 * no shell can open a file manager, the button is not offered.
 */
import { expect, test } from './helpers/fixtures.ts';

test('an item page shows its file in the folder through the desktop app, and not in a browser', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/activity');
  sitedrop.drop('site-plan.pdf', 'site plan');
  const row = page.getByRole('article', { name: 'site-plan.pdf' });
  await expect(row.getByText('Delivered')).toBeVisible();
  await row.getByRole('link', { name: 'site-plan.pdf', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('site-plan.pdf');
  await expect(page.getByRole('button', { name: 'Show in folder' })).toHaveCount(0);
  const itemPage = page.url();

  // The desktop window: the shell answers true when it showed the file (or its folder), false
  // when neither is on this computer.
  await page.addInitScript(() => {
    const calls: unknown[] = [];
    Object.assign(globalThis, {
      revealCalls: calls,
      sitedrop: {
        showItemInFolder: async (location: unknown) => {
          calls.push(location);
          return calls.length === 1;
        },
      },
    });
  });
  await page.goto(itemPage);
  const button = page.getByRole('button', { name: 'Show in folder' });
  await button.click();
  await expect
    .poll(() =>
      page.evaluate(() => (globalThis as unknown as { revealCalls: unknown[] }).revealCalls),
    )
    .toEqual([{ folderId: expect.any(String), path: 'site-plan.pdf' }]);
  await expect(page.getByRole('alert')).toHaveCount(0);

  await button.click();
  await expect(page.getByRole('alert')).toHaveText(
    'Neither the file nor its watched folder is on this computer any more.',
  );
});
