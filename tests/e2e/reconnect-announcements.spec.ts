/**
 * While the page reconnects, its live region says so once: the countdown to the next try
 * changes every second outside it, so a screen reader does not announce it again and again.
 */
import { expect, test } from './helpers/fixtures.ts';

test('the reconnect countdown ticks outside the live region, which stays the same', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/');
  await sitedrop.stopAgent();
  const banner = page.locator('[data-connection="reconnecting"]');
  await expect(banner).toBeVisible();
  const live = banner
    .locator('[role="status"], [aria-live]')
    .or(page.locator('[role="status"][data-connection="reconnecting"]'));
  const announced = await live.first().innerText();
  expect(announced).toContain('Reconnecting…');
  expect(announced).not.toMatch(/\d+ seconds?|in \d+ minutes/);
  await expect(banner.getByTestId('reconnect-countdown')).toHaveText(/Trying again (in|now)/);
  await page.waitForTimeout(2_500);
  expect(await live.first().innerText()).toBe(announced);
});

test('losing the agent is announced once however many tries it takes, and getting it back once', async ({
  page,
  sitedrop,
}) => {
  test.setTimeout(60_000);
  await sitedrop.start();
  await sitedrop.open(page, '/');
  // Records the text of every live region each time something in it changes or it appears:
  // what a screen reader would be given to announce.
  await page.evaluate(() => {
    const live = '[role="status"], [role="alert"], [aria-live]:not([aria-live="off"])';
    const announced: string[] = [];
    Object.assign(globalThis, { announced });
    new MutationObserver((records) => {
      const regions = new Set<Element>();
      for (const record of records) {
        const target =
          record.target instanceof Element ? record.target : record.target.parentElement;
        const region = target?.closest(live);
        if (region) regions.add(region);
        for (const added of record.addedNodes) {
          if (!(added instanceof Element)) continue;
          if (added.matches(live)) regions.add(added);
          for (const inner of added.querySelectorAll(live)) regions.add(inner);
        }
      }
      for (const region of regions) {
        const text = (region.textContent ?? '').trim();
        if (text !== '') announced.push(text);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const announcements = async (pattern: RegExp) =>
    (
      await page.evaluate(() => (globalThis as unknown as { announced: string[] }).announced)
    ).filter((text) => pattern.test(text));

  await sitedrop.stopAgent();
  await expect(page.locator('[data-connection="reconnecting"]')).toBeVisible();
  // Several tries fail meanwhile (the first come within a second, doubling from 250 ms).
  await page.waitForTimeout(4_000);
  await sitedrop.restartAgent();
  await expect(page.getByTestId('link-state')).toHaveText(/Live/, { timeout: 20_000 });
  await expect(page.getByTestId('connection-outcome')).toHaveText(
    'Connected to the SiteDrop agent again; what you see is up to date.',
  );

  expect(await announcements(/Reconnecting|Trying again/)).toHaveLength(1);
  expect(await announcements(/Connected to the SiteDrop agent again/)).toHaveLength(1);
});
