/**
 * The activity list's search box promises "name or request id": a file found only by its request
 * id is listed, whether it was there when the page loaded (the agent's listItems) or arrives
 * while the search is open (the page's live filter). Both use one rule, src/shared/item-search.ts.
 */
import { expect, test } from './helpers/fixtures.ts';

const request = (requestId: string) =>
  JSON.stringify({
    request_id: requestId,
    device_id: 'tablet-north-yard-03',
    timestamp: '2026-11-21T09:30:00+01:00',
    parts: [{ part_number: 'HX-220', quantity: 4 }],
  });

test('a file that arrives while a search is open is listed when only its request id matches', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start({ folder: { requests: { enabled: true } } });
  await sitedrop.open(page, '/activity');
  await page.getByLabel('Search by name or request id').fill('req-2026-0077');
  await expect(page).toHaveURL(/q=req-2026-0077/);
  await expect(page.getByTestId('activity-summary')).toHaveText('0 matching files');

  sitedrop.drop('site-plan.pdf', 'plan');
  sitedrop.drop('order.json', request('REQ-2026-0077'));
  sitedrop.drop('other-order.json', request('REQ-2026-0078'));

  const row = page.getByRole('article', { name: 'order.json' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('request REQ-2026-0077');
  await expect(page.getByRole('article')).toHaveCount(1);
});

test('a search by request id lists the files already there', async ({ page, sitedrop }) => {
  await sitedrop.start({ folder: { requests: { enabled: true } } });
  await sitedrop.open(page, '/activity');
  sitedrop.drop('order.json', request('REQ-2026-0077'));
  sitedrop.drop('site-plan.pdf', 'plan');
  await expect(page.getByRole('article')).toHaveCount(2);

  await page.getByLabel('Search by name or request id').fill('REQ-2026-0077');
  await expect(page).toHaveURL(/q=REQ-2026-0077/);
  await expect(page.getByRole('article', { name: 'order.json' })).toBeVisible();
  await expect(page.getByRole('article')).toHaveCount(1);
});
