/**
 * axe-core on every screen, in the light and the dark colour scheme: the dashboard, the activity
 * list, the detail of a delivered and of a failed file, and Settings have no serious or critical
 * violation (axe's default rules: WCAG 2.x A and AA and its best practices, plus the rules
 * enabled below), and no heading-order one.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test, type SiteDrop } from './helpers/fixtures.ts';

/** What a person would be stopped by; minor and moderate findings are left to review. */
const blockingImpacts = new Set(['serious', 'critical']);

/**
 * Rules that block whatever their impact. heading-order (moderate): a screen-reader user moves
 * by headings, and a level skipped looks like a missing section.
 */
const blockingRules = new Set(['heading-order']);

/**
 * label-content-name-mismatch is among axe's experimental rules, off by default: a name that
 * does not contain the visible text ("Failed: 1 files" for a tile reading "1 Failed") fails
 * people who speak a control's visible words to voice control (WCAG 2.5.3).
 */
const extraRules = { 'label-content-name-mismatch': { enabled: true } };

// One test per scheme, each with its own agent, so the two can run side by side.
for (const colorScheme of ['light', 'dark'] as const) {
  test(`every screen passes axe with no serious or critical violation, in the ${colorScheme} scheme`, async ({
    page,
    sitedrop,
  }) => {
    test.setTimeout(90_000);
    await page.emulateMedia({ colorScheme });
    const found = await checkEveryScreen(page, sitedrop);
    expect(found).toEqual([]);
  });
}

/** Makes a delivered and a failed file, runs axe on every screen, and lists what blocks. */
async function checkEveryScreen(page: Page, sitedrop: SiteDrop): Promise<string[]> {
  await sitedrop.start();
  await sitedrop.emulator.addFault({ method: 'PUT', path: 'refused.pdf', status: 403 });
  await sitedrop.open(page, '/activity');
  sitedrop.drop('site-plan.pdf', 'plan');
  sitedrop.drop('refused.pdf', 'refused');
  const delivered = page.getByRole('article', { name: 'site-plan.pdf' });
  const failed = page.getByRole('article', { name: 'refused.pdf' });
  await expect(delivered.locator('.badge')).toHaveText(/Delivered$/);
  await expect(failed.locator('.badge')).toHaveText(/Failed$/);
  const deliveredPath = await delivered
    .getByRole('link', { name: 'site-plan.pdf', exact: true })
    .getAttribute('href');
  const failedPath = await failed
    .getByRole('link', { name: 'refused.pdf', exact: true })
    .getAttribute('href');

  const screens: { name: string; path: string; ready: (page: Page) => Promise<void> }[] = [
    {
      name: 'dashboard',
      path: '/',
      ready: (page) => expect(page.getByRole('region', { name: 'Files by state' })).toBeVisible(),
    },
    {
      name: 'activity',
      path: '/activity',
      ready: (page) => expect(page.getByRole('article')).toHaveCount(2),
    },
    {
      name: 'delivered item',
      path: deliveredPath ?? '',
      ready: (page) =>
        expect(page.getByRole('link', { name: 'Open site-plan.pdf in SharePoint' })).toBeVisible(),
    },
    {
      name: 'failed item',
      path: failedPath ?? '',
      ready: (page) => expect(page.getByRole('region', { name: 'Problem' })).toBeVisible(),
    },
    {
      name: 'settings',
      path: '/settings',
      ready: (page) => expect(page.getByRole('button', { name: 'Test connection' })).toBeVisible(),
    },
  ];

  const found: string[] = [];
  for (const screen of screens) {
    await sitedrop.open(page, screen.path);
    await screen.ready(page);
    const results = await new AxeBuilder({ page }).options({ rules: extraRules }).analyze();
    for (const violation of results.violations) {
      const isBlocking =
        blockingImpacts.has(violation.impact ?? '') || blockingRules.has(violation.id);
      if (!isBlocking) continue;
      const targets = violation.nodes.map((node) => node.target.join(' ')).join(' | ');
      found.push(
        `${screen.name}: ${violation.id} ×${violation.nodes.length} — ${violation.help}: ${targets}`,
      );
    }
  }
  return found;
}
