/**
 * A page opened without its access key, or with one the agent refuses, says within seconds what
 * to do (open the window from SiteDrop's icon, or the address `sitedrop agent` printed) instead
 * of "Loading…" that never ends.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/fixtures.ts';

/** Long enough for one refused connection and the status check after it; far from "forever". */
const answerWithinMs = 5_000;

/** The page says it is not connected and how to open it with its key, and loads nothing. */
async function expectWhatToDo(page: Page): Promise<void> {
  const main = page.getByRole('main');
  await expect(main.getByRole('heading', { level: 1 })).toHaveText('Not connected', {
    timeout: answerWithinMs,
  });
  await expect(main).toContainText('open the window from SiteDrop’s icon');
  await expect(main).toContainText('Dashboard: address it printed');
  await expect(main).not.toContainText('Loading');
}

test('a page without its access key says what to do instead of loading forever', async ({
  page,
  sitedrop,
}) => {
  const agent = await sitedrop.start();
  await page.goto(`${agent.origin}/`);
  await expectWhatToDo(page);
});

test('a page with a key the agent refuses says what to do within seconds', async ({
  page,
  sitedrop,
}) => {
  const agent = await sitedrop.start();
  await page.goto(`${agent.origin}/activity#token=not-the-token`);
  await expectWhatToDo(page);
});
