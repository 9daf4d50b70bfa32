/**
 * Every screen in every state a person meets: the dashboard (with a response from head office),
 * the activity list with its filters and its Responses list, the detail of a delivered request
 * (with its tables and its response), a failed, a set-aside, a retrying and an uploading file, a
 * response's page, Settings with a refused save, the page while the agent is away, and the
 * page opened without its access key. Each passes axe in the light and the dark scheme (no
 * serious or critical violation, no heading-order one), and each reflows at 400 and 320 CSS
 * pixels wide: no sideways scrolling, every button inside the viewport, table rows no taller
 * than what they hold (WCAG 1.4.10).
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { blockingAxeViolations } from './helpers/axe.ts';
import { expect, test, type SiteDrop } from './helpers/fixtures.ts';
import { reflowProblems } from './helpers/reflow.ts';

/** The smallest chunk Graph takes: a file of a few chunks goes by upload session. */
const chunkSizeBytes = 327_680;

/** Head office's answer to the request order.json carries, put into SharePoint's responses folder. */
const answerName = 'REQ-2026-0412 answer.pdf';

/** One screen in one state: where it is, and when it is ready to be checked. */
interface Screen {
  name: string;
  open: (page: Page) => Promise<void>;
}

/** Opens a screen with filters in its address (the fixture's open takes a path only). */
async function openWithQuery(page: Page, sitedrop: SiteDrop, path: string, query: string) {
  const url = new URL(sitedrop.agent().dashboardUrl);
  url.pathname = path;
  url.search = query;
  await page.goto(url.toString());
  await expect(page.getByTestId('link-state')).toHaveText(/Live/);
}

/** Brings the agent to a file in each state and returns every screen to check, in order. */
async function everyScreen(page: Page, sitedrop: SiteDrop): Promise<Screen[]> {
  await sitedrop.start({
    folder: {
      requests: { enabled: true },
      responses: { enabled: true, localFolder: path.join(sitedrop.directory, 'answers') },
    },
    delivery: { chunkSizeBytes, simpleUploadMaxBytes: chunkSizeBytes, requestTimeoutMs: 300_000 },
  });
  await sitedrop.emulator.addFault({ method: 'PUT', path: 'refused.pdf', status: 403 });
  await sitedrop.emulator.addFault({ method: 'PUT', path: 'later.pdf', status: 503 });
  // Every fragment of an upload session is held for minutes: the large file stays uploading.
  await sitedrop.emulator.addFault({ method: 'PUT', path: '/_upload/', delayMs: 240_000 });
  await sitedrop.open(page, '/activity');
  sitedrop.drop(
    'order.json',
    JSON.stringify({
      request_id: 'REQ-2026-0412',
      device_id: 'tablet-north-yard-03',
      timestamp: '2026-11-21T09:30:00Z',
      requested_by: 'A. Rivera',
      parts: [{ part_number: 'HX-220', quantity: 4, unit: 'pcs', needed_by: '2026-12-01' }],
      inventory_changes: [{ part_number: 'BLT-M12', location: 'Container 2', change: -10 }],
    }),
  );
  sitedrop.drop('refused.pdf', 'refused');
  sitedrop.drop('later.pdf', 'later');
  // A request the schema refuses (keys it does not know): set aside, never sent.
  sitedrop.drop(
    'broken.json',
    JSON.stringify({ request_id: 'R1', device: 'Tablet 7', parts: [{ sku: 'PIPE-50' }] }),
  );
  sitedrop.drop('survey-scan-north-wing-level-2.pdf', Buffer.alloc(chunkSizeBytes * 3, 'scan'));

  // All five show up live in the open list, the set-aside one too (it is fetched, and takes its
  // place by id even when files queued after it are already on top).
  await expect(page.getByTestId('activity-summary')).toHaveText('5 files', { timeout: 30_000 });
  await expect(page.getByRole('article')).toHaveCount(5);
  // Head office answers the request; the dashboard's Check now brings the answer at once.
  await expect.poll(() => sitedrop.delivered('order.json') !== undefined).toBe(true);
  const answerPath = `Documents/Responses/${encodeURIComponent(answerName)}`;
  expect((await sitedrop.emulator.control('PUT', `files/${answerPath}`, 'parts ship')).status).toBe(
    201,
  );
  await sitedrop.open(page, '/');
  const responsesPanel = page.getByRole('region', { name: 'Responses' });
  await responsesPanel.getByRole('button', { name: 'Check now' }).click();
  const answerRow = responsesPanel.getByRole('row', { name: new RegExp(answerName) });
  await expect(answerRow).toContainText('Ready', { timeout: 20_000 });
  const responsePath =
    (await answerRow.getByRole('link', { name: answerName }).getAttribute('href')) ?? '';
  expect(responsePath).not.toBe('');
  await sitedrop.open(page, '/activity');
  const detailPath = async (name: string, badge: RegExp) => {
    const row = page.getByRole('article', { name });
    await expect(row.locator('.badge')).toHaveText(badge, { timeout: 30_000 });
    return (await row.getByRole('link', { name, exact: true }).getAttribute('href')) ?? '';
  };
  const item = async (name: string, badge: RegExp, ready: (page: Page) => Promise<void>) => {
    const path = await detailPath(name, badge);
    return {
      name: `${name} (${badge.source})`,
      open: async (page: Page) => {
        await sitedrop.open(page, path);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
        await ready(page);
      },
    };
  };
  const attemptRows = (page: Page) =>
    expect(page.getByRole('region', { name: 'Attempts' }).locator('tbody tr')).not.toHaveCount(0);
  const screens: Screen[] = [
    {
      name: 'dashboard',
      open: async (page) => {
        await sitedrop.open(page, '/');
        await expect(page.getByRole('region', { name: 'Files by state' })).toBeVisible();
        await expect(
          page.getByRole('region', { name: 'Watched folders' }).locator('tbody tr'),
        ).not.toHaveCount(0);
        await expect(
          page.getByRole('region', { name: 'Responses' }).getByRole('row', { name: /answer/ }),
        ).toBeVisible();
      },
    },
    {
      name: 'activity, Responses',
      open: async (page) => {
        await openWithQuery(page, sitedrop, '/activity', 'state=responses');
        await expect(page.getByRole('link', { name: answerName })).toBeVisible();
      },
    },
    {
      name: 'a response from head office',
      open: async (page) => {
        await sitedrop.open(page, responsePath);
        await expect(page.getByTestId('response-state')).toHaveText('Ready');
      },
    },
    {
      name: 'activity',
      open: async (page) => {
        await sitedrop.open(page, '/activity');
        await expect(page.getByRole('article')).toHaveCount(5);
      },
    },
    {
      name: 'activity filtered by Needs you and a search',
      open: async (page) => {
        await openWithQuery(page, sitedrop, '/activity', 'state=needs-you&folder=office&q=refused');
        await expect(page.getByRole('article')).toHaveCount(1);
      },
    },
    {
      name: 'activity with nothing matching',
      open: async (page) => {
        await openWithQuery(page, sitedrop, '/activity', 'q=no-such-file');
        await expect(page.getByText('No file matches these filters.')).toBeVisible();
      },
    },
    await item('order.json', /Delivered$/, async (page) => {
      await expect(page.getByRole('table', { name: 'Parts requested' })).toBeVisible();
      await expect(page.getByRole('region', { name: 'Response ready' })).toContainText(answerName);
      await attemptRows(page);
    }),
    await item('refused.pdf', /Failed$/, async (page) => {
      await expect(page.getByRole('region', { name: 'Problem' })).toBeVisible();
      await attemptRows(page);
    }),
    await item('broken.json', /Set aside$/, async (page) => {
      await expect(page.getByRole('region', { name: 'Problem' })).toBeVisible();
      await expect(
        page.getByRole('region', { name: 'Where the file and its note are' }),
      ).toBeVisible();
    }),
    await item('later.pdf', /Will retry$/, attemptRows),
    await item('survey-scan-north-wing-level-2.pdf', /Uploading$/, attemptRows),
    {
      name: 'settings',
      open: async (page) => {
        await sitedrop.open(page, '/settings');
        await expect(page.getByRole('button', { name: 'Test connection' })).toBeVisible();
      },
    },
    {
      name: 'settings with a refused save',
      open: async (page) => {
        await sitedrop.open(page, '/settings');
        await page.getByRole('textbox', { name: 'Upload chunk size' }).fill('1 MB');
        await page.getByRole('button', { name: 'Save settings' }).click();
        await expect(page.getByTestId('save-outcome')).toHaveText(
          'Nothing was saved: correct the fields listed at the top of Settings first.',
        );
      },
    },
  ];
  return screens;
}

/**
 * The page opened without its access key, then the page whose agent went away (last: the agent
 * stays stopped).
 */
function disconnectedScreens(sitedrop: SiteDrop): Screen[] {
  return [
    {
      name: 'page opened without its access key',
      open: async (page) => {
        await page.evaluate(() => sessionStorage.clear());
        await page.goto(`${sitedrop.agent().origin}/`);
        await expect(page.getByRole('alert')).toContainText('opened without its access key');
      },
    },
    {
      name: 'dashboard while reconnecting',
      open: async (page) => {
        // A full load: the page without its key only had its fragment changed by a goto.
        await page.goto('about:blank');
        await sitedrop.open(page, '/');
        await sitedrop.stopAgent();
        await expect(page.locator('[data-connection="reconnecting"]')).toBeVisible();
      },
    },
  ];
}

test('every screen and state passes axe in the light and the dark scheme', async ({
  page,
  sitedrop,
}) => {
  test.setTimeout(240_000);
  const found: string[] = [];
  for (const screen of [...(await everyScreen(page, sitedrop)), ...disconnectedScreens(sitedrop)]) {
    await screen.open(page);
    for (const violation of await blockingAxeViolations(page)) {
      found.push(`${screen.name}: ${violation}`);
    }
  }
  expect(found).toEqual([]);
});

test('every screen and state reflows at 400 and 320 pixels wide', async ({ page, sitedrop }) => {
  test.setTimeout(240_000);
  const found: string[] = [];
  for (const screen of [...(await everyScreen(page, sitedrop)), ...disconnectedScreens(sitedrop)]) {
    // Opened narrow, then narrower: each screen is opened once (the last stops the agent).
    await page.setViewportSize({ width: 400, height: 800 });
    await screen.open(page);
    for (const width of [400, 320]) {
      await page.setViewportSize({ width, height: 800 });
      for (const problem of await reflowProblems(page)) {
        found.push(`${screen.name} at ${width} px: ${problem}`);
      }
    }
  }
  expect(found).toEqual([]);
});
