/**
 * An item's page reads in words for everyone: the file's number, its hashes and SharePoint's
 * HTTP statuses are for support, folded under "Technical details". The problem box's edge has a
 * colour of its own, in the light and the dark scheme, never the text's.
 */
import { createHash } from 'node:crypto';
import type { Locator } from '@playwright/test';
import { expect, test } from './helpers/fixtures.ts';

test('hashes and the file number wait under Technical details until opened', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/activity');
  const content = 'site plan, rev C';
  sitedrop.drop('site-plan.pdf', content);
  const row = page.getByRole('article', { name: 'site-plan.pdf' });
  await expect(row.getByText('Delivered')).toBeVisible();
  await row.getByRole('link', { name: 'site-plan.pdf', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('site-plan.pdf');
  const itemId = await page.locator('.item-detail').getAttribute('data-item-id');

  const sha256 = createHash('sha256').update(content).digest('hex');
  const hash = page.getByText(sha256, { exact: true });
  await expect(hash).toBeHidden();
  await expect(page.getByText('SHA-256')).toBeHidden();
  await expect(page.locator('.item-heading')).not.toContainText(/File \d+/);
  await expect(page.getByText(/HTTP status/)).toBeHidden();

  const technical = page.getByRole('region', { name: 'Technical details' });
  await technical.getByText('Technical details').click();
  await expect(hash).toBeVisible();
  await expect(technical.getByRole('definition').first()).toHaveText(itemId ?? '');
});

/** The computed left-border colour and text colour of an element, and a CSS variable's value. */
async function colours(box: Locator, variable: string) {
  return box.evaluate((element, name) => {
    // The page's globals, typed here: this project's TypeScript has no DOM library.
    interface Styled {
      style: Record<string, string>;
      remove(): void;
    }
    const browser = globalThis as unknown as {
      document: { createElement(tag: string): Styled; body: { append(node: Styled): void } };
      getComputedStyle(node: unknown): { color: string; borderLeftColor: string };
    };
    const probe = browser.document.createElement('span');
    probe.style.color = `var(${name})`;
    browser.document.body.append(probe);
    const token = browser.getComputedStyle(probe).color;
    probe.remove();
    const style = browser.getComputedStyle(element);
    return { border: style.borderLeftColor, text: style.color, token };
  }, variable);
}

/** The problem box's edge against its token and the text, in the light and the dark scheme. */
async function expectOwnAccent(problem: Locator, token: string) {
  const page = problem.page();
  const seen = new Set<string>();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const found = await colours(problem, token);
    expect(found.border, `${token} ${colorScheme}`).toBe(found.token);
    expect(found.border, `${token} ${colorScheme}`).not.toBe(found.text);
    seen.add(found.border);
  }
  // Each scheme has its own accent.
  expect(seen.size, token).toBe(2);
  await page.emulateMedia({ colorScheme: null });
}

test('the problem box’s edge has its own accent colour, not the text’s, in both schemes', async ({
  page,
  sitedrop,
}) => {
  // Two files, each brought into a problem and checked in two schemes.
  test.setTimeout(90_000);
  await sitedrop.start({ folder: { requests: { enabled: true } } });
  await sitedrop.emulator.addFault({ method: 'PUT', path: '/content', status: 503 });
  await sitedrop.open(page, '/activity');
  const problem = page.getByRole('region', { name: 'Problem' });

  // A file set aside needs a person: the "bad" tone.
  sitedrop.drop('order-1.json', '{"request_id": "R1",');
  await page.getByRole('article', { name: 'order-1.json' }).getByRole('link').click();
  await expect(problem).toHaveClass(/tone-bad/);
  await expectOwnAccent(problem, '--problem-accent-bad');

  // A file SharePoint will take later waits by itself: the "warn" tone.
  await page.goBack();
  sitedrop.drop('schedule.xlsx', 'week 12');
  const row = page.getByRole('article', { name: 'schedule.xlsx' });
  await expect(row.getByText('Will retry')).toBeVisible();
  await row.getByRole('link', { name: 'schedule.xlsx' }).click();
  await expect(problem).toHaveClass(/tone-warn/);
  await expectOwnAccent(problem, '--problem-accent-warn');
});
