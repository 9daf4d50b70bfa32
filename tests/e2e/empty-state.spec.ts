/**
 * An empty activity list says where to drop files: each watched folder by its name and its path
 * on this computer, not only "a watched folder".
 */
import { expect, test } from './helpers/fixtures.ts';

test('the empty activity list names each watched folder and its path', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/activity');
  const empty = page.getByTestId('no-files-yet');
  await expect(empty).toContainText('No files yet.');
  await expect(empty.getByRole('listitem')).toHaveText([`Site office: ${sitedrop.watchFolder}`]);
  // A browser has no file manager to open.
  await expect(empty.getByRole('button')).toHaveCount(0);
});

test('in the desktop window the empty list opens a watched folder through the shell', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  // The desktop window's preload, stood in for: it answers true when the shell opened the folder.
  await page.addInitScript(() => {
    const calls: unknown[] = [];
    Object.assign(globalThis, {
      openCalls: calls,
      sitedrop: {
        openWatchedFolder: async (folderId: unknown) => {
          calls.push(folderId);
          return calls.length === 1;
        },
      },
    });
  });
  await sitedrop.open(page, '/activity');
  const button = page.getByTestId('no-files-yet').getByRole('button', { name: 'Open Site office' });
  await button.click();
  await expect
    .poll(() => page.evaluate(() => (globalThis as unknown as { openCalls: unknown[] }).openCalls))
    .toEqual(['office']);
  await expect(page.getByRole('alert')).toHaveText('');
  await button.click();
  await expect(page.getByRole('alert')).toHaveText('That folder is not on this computer any more.');
});
