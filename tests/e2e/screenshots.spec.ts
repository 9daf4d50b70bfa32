/**
 * The screenshots in README.md and docs/ui.md, taken from a real agent with a few files in
 * every kind of state: delivered, failed (an injected 403), on its way. Saved under
 * docs/screenshots/ at 100% in the light theme, and in the dark theme and at 200% zoom (a
 * 640-pixel-wide viewport at device scale 2 is what a 1280-pixel window at 200% zoom shows).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/fixtures.ts';

// Every run takes the screenshots (so the screens keep rendering); only a run with
// SITEDROP_UPDATE_SCREENSHOTS=1 replaces the committed ones, so `npm test` leaves the tree clean.
const screenshotDir = fileURLToPath(
  new URL(
    process.env.SITEDROP_UPDATE_SCREENSHOTS === '1'
      ? '../../docs/screenshots/'
      : '../../test-results/screenshots/',
    import.meta.url,
  ),
);

test('screens as people see them: dashboard, activity, item detail, settings', async ({
  page,
  browser,
  sitedrop,
}) => {
  await sitedrop.start({ delivery: { simpleUploadMaxBytes: 0, chunkSizeBytes: 327_680 } });
  await sitedrop.emulator.addFault({
    method: 'POST',
    path: 'Cracked%20slab%20photo.jpg',
    status: 403,
    code: 'accessDenied',
    message: 'Access denied.',
  });
  await sitedrop.open(page, '/activity');
  for (const [name, size] of [
    ['Request 2025-0141.json', 900],
    ['Delivery note 7781.pdf', 120_000],
    ['Concrete pour checklist.xlsx', 48_000],
    ['Cracked slab photo.jpg', 2_400_000],
  ] as const) {
    sitedrop.drop(name, Buffer.alloc(size, name));
    await expect(page.getByRole('article', { name })).toBeVisible();
  }
  await expect(
    page.getByRole('article', { name: 'Cracked slab photo.jpg' }).getByText('Failed'),
  ).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('article[data-state="delivered"]')).toHaveCount(3, { timeout: 30_000 });
  // One large file held on the wire, so the list shows an upload in progress.
  await sitedrop.emulator.addFault({ method: 'PUT', path: '/_upload/', delayMs: 1_500 });
  sitedrop.drop('Site survey scan.pdf', Buffer.alloc(20 * 327_680, 'scan'));
  const uploading = page.getByRole('article', { name: 'Site survey scan.pdf' });
  await expect(uploading.getByRole('progressbar')).toBeVisible();
  await expect
    .poll(async () => Number(await uploading.getByRole('progressbar').getAttribute('value')))
    .toBeGreaterThan(0);
  await save(page, 'activity.png');

  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('heading', { name: 'Needs attention' })).toBeVisible();
  await save(page, 'dashboard.png');

  await page.getByRole('link', { name: 'Activity' }).click();
  await page.getByRole('link', { name: 'Cracked slab photo.jpg' }).click();
  await expect(page.getByRole('region', { name: 'Problem' })).toBeVisible();
  await save(page, 'item-detail.png');

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText('Everything works: SiteDrop can deliver files.')).toBeVisible();
  await page
    .getByRole('textbox', { name: 'Site URL' })
    .fill('http://contoso.sharepoint.com/sites/SiteOffice');
  await expect(page.getByText('Site URL must be an https:// URL.')).toBeVisible();
  await save(page, 'settings.png');

  // The same screens in the dark theme and at 200% zoom.
  for (const variant of [
    { suffix: 'dark', options: { colorScheme: 'dark' as const } },
    {
      suffix: 'zoom-200',
      options: { viewport: { width: 640, height: 900 }, deviceScaleFactor: 2 },
    },
  ]) {
    const context = await browser.newContext(variant.options);
    const other = await context.newPage();
    await other.goto(sitedrop.agent().dashboardUrl);
    await expect(other.getByRole('heading', { name: 'Needs attention' })).toBeVisible();
    await save(other, `dashboard-${variant.suffix}.png`);
    await other.getByRole('link', { name: 'Activity' }).click();
    await expect(other.getByRole('article').first()).toBeVisible();
    await save(other, `activity-${variant.suffix}.png`);
    await context.close();
  }
});

async function save(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, name), fullPage: true });
}
