/**
 * Issue 5, "Done when": a file dropped in a watched folder appears, shows upload progress and
 * becomes delivered with a working link.
 */
import { expect, test } from './helpers/fixtures.ts';

test('a dropped file appears, shows its upload progress, and is delivered with a link that opens it', async ({
  page,
  context,
  sitedrop,
}) => {
  // Every file through an upload session of 320 KiB fragments, each held 400 ms by the
  // emulator, so the upload lasts long enough for a person (and this test) to watch it.
  await sitedrop.start({ delivery: { simpleUploadMaxBytes: 0, chunkSizeBytes: 327_680 } });
  await sitedrop.emulator.addFault({ method: 'PUT', path: '/_upload/', delayMs: 400 });
  await sitedrop.open(page, '/activity');

  const content = Buffer.alloc(6 * 327_680, 'SiteDrop e2e content. ');
  sitedrop.drop('site-plan.pdf', content);

  const row = page.getByRole('article', { name: 'site-plan.pdf' });
  await expect(row).toBeVisible();
  const progress = row.getByRole('progressbar', { name: 'Upload progress of site-plan.pdf' });
  await expect(progress).toBeVisible();
  await expect
    .poll(async () => Number(await progress.getAttribute('value')), { timeout: 15_000 })
    .toBeGreaterThan(0);

  await expect(row.getByText('Delivered')).toBeVisible({ timeout: 30_000 });
  await expect(progress).toHaveCount(0);
  expect(sitedrop.delivered('site-plan.pdf')?.equals(content)).toBe(true);

  // The link goes to the file's SharePoint address. No tenant is reachable from here, so the
  // browser's requests to contoso.sharepoint.com are answered from the emulator's library.
  const link = row.getByRole('link', { name: /Open in SharePoint/ });
  await expect(link).toHaveAttribute(
    'href',
    'https://contoso.sharepoint.com/sites/SiteOffice/Documents/site-plan.pdf',
  );
  await context.route('https://contoso.sharepoint.com/sites/SiteOffice/Documents/**', (route) => {
    const libraryPath = decodeURIComponent(
      new URL(route.request().url()).pathname.replace('/sites/SiteOffice/Documents/', ''),
    );
    const body = sitedrop.delivered(libraryPath);
    return body
      ? route.fulfill({ status: 200, contentType: 'text/plain', body })
      : route.fulfill({ status: 404, body: 'not found' });
  });
  const [opened] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await opened.waitForLoadState();
  expect((await opened.locator('body').innerText()).slice(0, 40)).toBe(
    content.toString('utf8', 0, 40),
  );
  await opened.close();
});
