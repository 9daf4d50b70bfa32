/**
 * One size formatter: the window and `sitedrop status` print a file's size as the same string,
 * in decimal units (2,400,000 bytes is 2.4 MB in both, as SharePoint shows it).
 */
import { expect, test } from './helpers/fixtures.ts';

test('the window and sitedrop status print the same size for the same file', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/activity');
  sitedrop.drop('survey.pdf', Buffer.alloc(2_400_000, 'survey'));

  const row = page.getByRole('article', { name: 'survey.pdf' });
  await expect(row.locator('.badge')).toHaveText(/Delivered$/, { timeout: 30_000 });
  const inList = await row.locator('.row-size').innerText();
  expect(inList).toBe('2.4 MB');

  await row.getByRole('link', { name: 'survey.pdf', exact: true }).click();
  const details = page.getByRole('region', { name: 'Details' });
  await expect(details.locator('dt:text-is("Size") + dd')).toHaveText(inList);

  const line = sitedrop
    .status()
    .split('\n')
    .find((candidate) => candidate.includes('office/survey.pdf'));
  expect(line).toMatch(/ {2}office\/survey\.pdf {2}(.+?) {2}https:/);
  expect(/ {2}office\/survey\.pdf {2}(.+?) {2}https:/.exec(line ?? '')?.[1]).toBe(inList);
});
