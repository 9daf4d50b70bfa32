/**
 * A file set aside (a request file with mistakes, dropped into the watched folder of a real agent)
 * says where the file and its note are, lists the note's problems, and offers nothing that only a
 * sent file has ("Goes to", "No upload attempt yet"). Its one action, "Show the note", moves to
 * the note; in the desktop window (its preload stood in for, since the Electron binary cannot be
 * downloaded on this machine) each path has "Show in folder", in a browser the paths are text.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { blockingAxeViolations } from './helpers/axe.ts';
import { expect, test, type SiteDrop } from './helpers/fixtures.ts';

/** A request with two mistakes: a date that is not one, and a quantity of 0. */
const orderWithMistakes = JSON.stringify({
  request_id: 'REQ-2026-0007',
  device_id: 'tablet-north-yard-03',
  timestamp: 'yesterday',
  site: 'North Yard',
  parts: [{ part_number: 'HX-220', quantity: 0 }],
});

/** Drops a request file with mistakes and opens its page once it is set aside. */
async function openSetAsideOrder(page: Page, sitedrop: SiteDrop) {
  await sitedrop.start({ folder: { requests: { enabled: true } } });
  await sitedrop.open(page, '/activity');
  sitedrop.drop('order-7.json', orderWithMistakes);
  const row = page.getByRole('article', { name: 'order-7.json' });
  await expect(row.locator('.badge')).toHaveText(/Set aside$/);
  await row.getByRole('link', { name: 'order-7.json' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('order-7.json');
  const filePath = path.join(sitedrop.watchFolder, '_quarantine', 'order-7.json');
  return { filePath, notePath: `${filePath}.error.txt` };
}

test('a set-aside file says where it and its note are, and what the note lists', async ({
  page,
  sitedrop,
}) => {
  // Runs sitedrop status and axe in two schemes: more than the default time on a busy host.
  test.setTimeout(90_000);
  const { filePath, notePath } = await openSetAsideOrder(page, sitedrop);
  const note = page.getByRole('region', { name: 'Where the file and its note are' });
  await expect(note.locator('dd').nth(0)).toHaveText(filePath);
  await expect(note.locator('dd').nth(1)).toHaveText(notePath);
  await expect(note.getByRole('listitem')).toHaveText([
    /^Field "timestamp": found "yesterday"; expected a date and time/,
    /^Field "parts\[0\]\.quantity": found 0; expected a whole number of 1 or more\.$/,
  ]);
  // Never sent: no target, no attempts, no "Show in folder" in a browser.
  await expect(page.getByText('Goes to')).toHaveCount(0);
  await expect(page.getByText('No upload attempt yet')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Attempts' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Show .*in (its )?folder/ })).toHaveCount(0);

  // The problem box's one action moves to the note and reads it next.
  const problem = page.getByRole('region', { name: 'Problem' });
  await expect(problem).toHaveAttribute('data-primary-action', 'show-note');
  await expect(problem.getByRole('button')).toHaveText(['Show the note']);
  await problem.getByRole('button', { name: 'Show the note' }).click();
  await expect(note).toBeFocused();
  await expect(note).toBeInViewport();

  // sitedrop status says the same, in the same word.
  const status = sitedrop.status();
  expect(status).toContain(`Set aside: order-7.json`);
  expect(status).toContain(`The file is now at ${filePath}`);
  expect(status).toContain(`Its note: ${notePath}`);
  // Besides the set-aside folder's own name (the folder's setting, `_quarantine` by default).
  expect(status.replaceAll(path.dirname(filePath), '')).not.toMatch(/quarantin/i);

  expect(await blockingAxeViolations(page)).toEqual([]);
});

test('in the desktop window, the file and its note are shown in their folder by the shell', async ({
  page,
  sitedrop,
}) => {
  await page.addInitScript(() => {
    const calls: unknown[] = [];
    Object.assign(globalThis, {
      revealCalls: calls,
      sitedrop: {
        showSetAsideInFolder: async (request: unknown) => {
          calls.push(request);
          return calls.length < 3;
        },
      },
    });
  });
  const { filePath, notePath } = await openSetAsideOrder(page, sitedrop);
  const itemId = Number(await page.locator('.item-detail').getAttribute('data-item-id'));
  const note = page.getByRole('region', { name: 'Where the file and its note are' });
  await note.getByRole('button', { name: 'Show in folder' }).click();
  await note.getByRole('button', { name: 'Show the note in its folder' }).click();
  await expect
    .poll(() =>
      page.evaluate(() => (globalThis as unknown as { revealCalls: unknown[] }).revealCalls),
    )
    .toEqual([
      { itemId, path: filePath },
      { itemId, path: notePath },
    ]);
  await expect(page.getByRole('alert')).toHaveCount(0);
  // The original path is gone: the item's own "Show in folder" is not offered beside these.
  await expect(page.getByRole('button', { name: 'Show in folder' })).toHaveCount(1);

  await note.getByRole('button', { name: 'Show in folder' }).click();
  await expect(note.getByRole('alert')).toHaveText(
    'The file and its set-aside folder are not there any more.',
  );
});
