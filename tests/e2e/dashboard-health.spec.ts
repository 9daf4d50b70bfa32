/**
 * The dashboard tells the truth: a file set aside (quarantined) was never sent, so the page does
 * not say "All good" while one waits for a person, and says where to find it.
 */
import { expect, test } from './helpers/fixtures.ts';

test('files set aside are not "All good": the dashboard says they need correcting and links to them', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start({ folder: { requests: { enabled: true } } });
  await sitedrop.open(page, '/');
  sitedrop.drop('site-plan.pdf', 'plan');
  for (const name of ['order-1.json', 'order-2.json', 'order-3.json', 'order-4.json']) {
    sitedrop.drop(name, '{"request_id": "R1",');
  }

  const health = page.getByRole('region', { name: 'Needs attention' });
  await expect(health).toBeVisible();
  await expect(page.getByRole('heading', { name: 'All good' })).toHaveCount(0);
  const setAside = health.getByRole('link', {
    name: '4 files were set aside and need correcting',
  });
  await expect(setAside).toBeVisible();

  await setAside.click();
  await expect(page).toHaveURL(/\/activity\?state=quarantined$/);
  await expect(page.getByTestId('activity-summary')).toHaveText('4 files');
  await expect(page.getByRole('article')).toHaveCount(4);
  for (const row of await page.getByRole('article').all()) {
    await expect(row.locator('[data-state="quarantined"]')).toHaveText(/Set aside/);
  }
});

test('a file set aside appears in the activity list as it happens, without reloading', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start({ folder: { requests: { enabled: true } } });
  await sitedrop.open(page, '/activity');
  sitedrop.drop('site-plan.pdf', 'plan');
  await expect(page.getByRole('article', { name: 'site-plan.pdf' })).toBeVisible();

  sitedrop.drop('order-1.json', '{"request_id": "R1",');
  const row = page.getByRole('article', { name: 'order-1.json' });
  await expect(row.locator('.badge')).toHaveText(/Set aside$/);
  await expect(page.getByRole('article')).toHaveCount(2);
});
