/**
 * Settings keeps the focused field in sight (WCAG 2.2 SC 2.4.11, Focus Not Obscured): tabbing
 * through every field, none is under the sticky Save bar, at 1280×900 and at 200% zoom (a
 * 640×450 viewport at device scale 2). A refused save puts the focus on a summary whose links
 * focus each field; a field's problem is announced when the field is left, not per keystroke.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/fixtures.ts';

interface FocusStop {
  name: string;
  isObscured: boolean;
  isInBar: boolean;
}

/** Where the focus is, and whether the Save bar covers any of it. */
async function focusStop(page: Page): Promise<FocusStop> {
  const focused = page.locator(':focus');
  const bar = page.getByTestId('save-bar');
  const [box, barBox, id] = await Promise.all([
    focused.boundingBox(),
    bar.boundingBox(),
    focused.getAttribute('id'),
  ]);
  if (!box || !barBox) throw new Error('Nothing has the focus, or there is no Save bar');
  const label = id ? page.locator(`label[for="${id}"]`) : undefined;
  const name =
    (label && (await label.count()) > 0 ? await label.textContent() : undefined) ??
    (await focused.getAttribute('aria-label')) ??
    (await focused.textContent()) ??
    '';
  const isObscured =
    box.x < barBox.x + barBox.width &&
    box.x + box.width > barBox.x &&
    box.y < barBox.y + barBox.height &&
    box.y + box.height > barBox.y;
  return { name: name.trim(), isObscured, isInBar: (await bar.locator(':focus').count()) > 0 };
}

/** Tabs from the top of the form to the Save bar; every stop on the way. */
async function tabThroughSettings(page: Page): Promise<FocusStop[]> {
  const form = page.getByRole('form', { name: 'Settings' });
  const controlCount = await form.locator('input, select, textarea, button, a[href]').count();
  // The navigation's link to this screen, at the top of the page: the next Tab enters the form.
  await page.getByRole('link', { name: 'Settings' }).focus();
  const stops: FocusStop[] = [];
  for (let step = 0; step <= controlCount; step += 1) {
    await page.keyboard.press('Tab');
    const stop = await focusStop(page);
    if (stop.isInBar) return stops;
    stops.push(stop);
  }
  throw new Error(`Tabbing did not reach the Save bar; the stops were ${JSON.stringify(stops)}`);
}

for (const size of [
  { title: 'at 1280×900', viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 },
  { title: 'at 200% zoom', viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 },
]) {
  test.describe(size.title, () => {
    test.use({ viewport: size.viewport, deviceScaleFactor: size.deviceScaleFactor });

    test('no field that takes the focus is under the Save bar', async ({ page, sitedrop }) => {
      await sitedrop.start();
      await sitedrop.open(page, '/settings');
      await expect(page.getByRole('textbox', { name: 'Site URL' })).toBeVisible();

      const stops = await tabThroughSettings(page);
      expect(stops.map((stop) => stop.name)).toContain('Site URL');
      expect(stops.filter((stop) => stop.isObscured).map((stop) => stop.name)).toEqual([]);
    });
  });
}

test('a refused save focuses a summary whose links focus each field, clear of the Save bar', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/settings');
  await page
    .getByRole('textbox', { name: 'Site URL' })
    .fill('http://contoso.sharepoint.com/sites/SiteOffice');
  const chunk = page.getByRole('textbox', { name: 'Upload chunk size' });
  await chunk.fill('1 MB');

  await page.getByRole('button', { name: 'Save settings' }).focus();
  await page.keyboard.press('Enter');
  const summary = page.getByTestId('error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('heading')).toHaveText('Nothing was saved');
  await expect(page.getByTestId('save-outcome')).toHaveText(
    'Nothing was saved: correct the fields listed at the top of Settings first.',
  );

  const links = summary.getByRole('link');
  await expect(links).toHaveText([
    'Site URL must be an https:// URL.',
    /^Upload chunk size must be a multiple of 320 KiB/,
  ]);
  await links.first().press('Enter');
  await expect(page.getByRole('textbox', { name: 'Site URL' })).toBeFocused();
  expect((await focusStop(page)).isObscured).toBe(false);

  await summary.focus();
  await links.nth(1).press('Enter');
  await expect(chunk).toBeFocused();
  expect((await focusStop(page)).isObscured).toBe(false);
});

test('a field’s problem is announced when the field is left, not at every keystroke', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/settings');
  const problem = 'Site URL must be an https:// URL.';
  const announced = page
    .locator('[role="alert"], [role="status"], [aria-live]')
    .filter({ hasText: 'must be an https:// URL' });

  const siteUrl = page.getByRole('textbox', { name: 'Site URL' });
  await siteUrl.fill('');
  await siteUrl.pressSequentially('http://contoso');
  await expect(page.getByText(problem)).toBeVisible();
  await expect(siteUrl).toHaveAccessibleDescription(problem);
  await expect(announced).toHaveCount(0);

  await page.keyboard.press('Tab');
  await expect(announced).toHaveText('Site URL: must be an https:// URL.');
  await expect(announced).toHaveRole('status');
  // Corrected, the problem is taken out of the region.
  await siteUrl.fill('https://contoso.sharepoint.com/sites/SiteOffice');
  await expect(announced).toHaveCount(0);
});
