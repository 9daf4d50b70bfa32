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
});
