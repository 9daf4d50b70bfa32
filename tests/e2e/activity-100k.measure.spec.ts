/**
 * Issue 5, "Activity: a virtualized list that stays smooth with 100,000 items": with 100,000
 * items in the store, the list's first rows paint within 1 s of opening the page, and scrolling
 * through all of them never blocks the page for more than 50 ms (no long task, as Chromium's
 * PerformanceObserver reports them). The thresholds are the acceptance check's, not a benchmark.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './helpers/fixtures.ts';

const itemCount = 100_000;
const seedScript = fileURLToPath(new URL('./helpers/seed-items.ts', import.meta.url));
const probeScript = fileURLToPath(new URL('./helpers/smoothness-probe.js', import.meta.url));

// It runs in the 'measure' project (playwright.config.ts): after every other e2e test, alone,
// so nothing else competes for the cores while it counts long tasks. On a machine whose cores
// are busy with other work (load average 10+), the renderer's main thread gets a fraction of a
// core and long tasks appear whatever the page does; the renderer keeps a bounded window of
// pages with fixed row heights (src/renderer/views/activity/item-window.ts, docs/ui.md).
test('the activity list paints 100,000 items within a second and scrolls through all of them without a long task', async ({
  page,
  sitedrop,
}, testInfo) => {
  test.setTimeout(120_000);
  const dataDir = path.join(sitedrop.directory, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  execFileSync(process.execPath, [seedScript, '--data-dir', dataDir, '--count', String(itemCount)]);
  await sitedrop.start();

  await page.addInitScript({ path: probeScript });
  await sitedrop.open(page, '/activity');
  await expect(page.getByTestId('activity-summary')).toHaveText(/100,000 files/);
  const firstPaintMs = (await (
    await page.waitForFunction(
      () => (globalThis as { sitedropFirstRowAt?: number }).sitedropFirstRowAt,
    )
  ).jsonValue()) as number;
  testInfo.annotations.push({
    type: 'first paint of the list (ms)',
    description: `${Math.round(firstPaintMs)}`,
  });
  expect(firstPaintMs).toBeLessThanOrEqual(1_000);

  const scrolled = (await page.evaluate(`sitedropScrollThrough(${itemCount})`)) as {
    frames: number;
    lastPosition: number;
    durationMs: number;
    longTasks: { startTime: number; duration: number }[];
    rowsInDom: number;
  };
  testInfo.annotations.push({
    type: 'scrolling through 100,000 items',
    description: `${scrolled.frames} frames in ${Math.round(scrolled.durationMs)} ms; longest task ${Math.round(Math.max(0, ...scrolled.longTasks.map((task) => task.duration)))} ms; ${scrolled.rowsInDom} rows in the DOM`,
  });
  expect(scrolled.lastPosition).toBe(itemCount);
  expect(scrolled.rowsInDom).toBeLessThan(100);
  expect(scrolled.longTasks.filter((task) => task.duration > 50)).toEqual([]);
  await expect(page.getByRole('region', { name: 'Files, newest first' })).toContainText(
    'report-1.pdf',
  );
});
