/**
 * One vocabulary everywhere: the dashboard's tiles, the folder's columns, the health card and
 * `sitedrop status` count the same files under the same words (On its way, Will retry, Needs
 * you, Delivered, Skipped, Not sent), and no file is counted twice.
 */
import { expect, test } from './helpers/fixtures.ts';

test('tiles, folder columns, health card and sitedrop status count the same files in the same words', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start({ folder: { requests: { enabled: true } } });
  // One file SharePoint refuses for good, one it refuses for now (it will be retried), one
  // that cannot be sent as it is, one delivered.
  await sitedrop.emulator.addFault({ method: 'PUT', path: 'refused.pdf', status: 403 });
  await sitedrop.emulator.addFault({ method: 'PUT', path: 'later.pdf', status: 503 });
  await sitedrop.open(page, '/');
  sitedrop.drop('refused.pdf', 'refused');
  sitedrop.drop('later.pdf', 'later');
  sitedrop.drop('order.json', '{"request_id": "R1",');
  sitedrop.drop('fine.pdf', 'fine');

  const tiles = page.getByRole('region', { name: 'Files by state' });
  await expect(tiles.getByRole('link')).toHaveText([
    '0 On its way',
    '1 Will retry',
    '2 Needs you 1 failed, 1 set aside',
    '1 Delivered',
    '0 Skipped',
    '0 Not sent',
  ]);
  await expect(
    tiles.getByRole('link', { name: '2 Needs you 1 failed, 1 set aside' }),
  ).toHaveAttribute('href', '/activity?state=needs-you');

  const folders = page.getByRole('region', { name: 'Watched folders' });
  await expect(folders.getByRole('columnheader')).toHaveText([
    'Folder',
    'Availability',
    'On its way',
    'Will retry',
    'Needs you',
    'Delivered',
    'Skipped',
    'Not sent',
    'Actions',
  ]);
  await expect(folders.locator('tbody tr td[data-group]')).toHaveText([
    '0',
    '1',
    '2',
    '1',
    '0',
    '0',
  ]);

  const health = page.getByRole('region', { name: 'Needs attention' });
  await expect(health.getByRole('listitem')).toHaveText([
    '1 file could not be delivered',
    '1 file was set aside and needs correcting',
  ]);

  const status = sitedrop.status();
  expect(status).toContain(
    'On its way 0 · Will retry 1 · Needs you 2 (1 failed, 1 set aside) · Delivered 1 · Skipped 0 · Not sent 0',
  );
  expect(status).toMatch(/^ {2}#\d+ {2}Failed +office\/refused\.pdf /m);
  expect(status).toMatch(/^ {2}#\d+ {2}Set aside +office\/order\.json /m);
  expect(status).toMatch(/^ {2}#\d+ {2}Will retry +office\/later\.pdf /m);
  expect(status).toMatch(/^Needs you \(latest\):$/m);
  expect(status).toMatch(/^Will retry \(latest\):$/m);

  // The group filter lists the same two files the tile counts, each with its own state's word.
  await tiles.getByRole('link', { name: /Needs you/ }).click();
  await expect(page.getByTestId('activity-summary')).toHaveText('2 files');
  await expect(page.getByRole('combobox', { name: 'State' })).toHaveValue('needs-you');
  await expect(page.getByRole('article')).toHaveCount(2);
  await expect(page.getByRole('article', { name: 'refused.pdf' }).locator('.badge')).toHaveText(
    /Failed$/,
  );
  await expect(page.getByRole('article', { name: 'order.json' }).locator('.badge')).toHaveText(
    /Set aside$/,
  );
});
