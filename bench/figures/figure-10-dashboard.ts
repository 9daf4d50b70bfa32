import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  chromiumArgs,
  findChromium,
  noChromiumMessage,
} from '../../tests/e2e/helpers/chromium-options.ts';
import { ensureUiBuild } from '../../tools/ui-build/ensure-ui-build.ts';
import { dashboardProbeScript } from '../lib/dashboard-probe.ts';
import { atMost, type Figure } from '../lib/figure.ts';
import { startIntakeAgent } from '../lib/intake-runs.ts';
import { NotMeasuredError } from '../lib/not-measured.ts';
import { createPendingTree } from '../lib/pending-tree.ts';
import { summarize } from '../lib/statistics.ts';

interface PageRun {
  firstRowMs: number;
  longTasks: number;
  longestTaskMs: number;
}

/**
 * Figure 10: the dashboard's activity list with 100,000 items, in Chromium (Playwright): when it
 * first paints a row, and whether scrolling through it causes long tasks over 50 ms.
 */
export const figureDashboard: Figure = {
  id: 10,
  name: 'dashboard with 100,000 items (Playwright in Chromium)',
  target: 'first paint of the activity list ≤ 1 s; scrolling without long tasks over 50 ms',
  baselineDescription: '— (absolute targets)',
  async run(context) {
    const chromiumExecutablePath = findChromium()?.executablePath;
    if (chromiumExecutablePath === undefined) throw new NotMeasuredError(noChromiumMessage);
    await ensureUiBuild((line) => context.log(`  ${line}`));
    const itemCount = context.profile === 'full' ? 100_000 : 1_000;
    context.log(`  preparing ${itemCount} items`);
    const tree = createPendingTree(path.join(context.workDirectory, 'tree'), {
      fileCount: itemCount,
      state: 'delivered',
    });
    const agent = await startIntakeAgent(context, tree);
    // The browser inherits the driver's core (the counterpart's), never the agent's.
    const browser = await chromium.launch({
      executablePath: chromiumExecutablePath,
      args: [...chromiumArgs],
    });
    try {
      await agent.call('rescan');
      const { dashboardUrl } = await agent.call<{ dashboardUrl: string }>('feed');
      const url = new URL(dashboardUrl);
      url.pathname = '/activity';
      const runs: PageRun[] = [];
      const screens = context.profile === 'full' ? 100 : 10;
      const jumps = context.profile === 'full' ? 60 : 5;
      for (let index = 0; index < context.warmups + context.runs; index += 1) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        try {
          await page.addInitScript({ content: dashboardProbeScript });
          await page.goto(url.toString());
          await page.waitForFunction(
            () => (globalThis as { benchFirstRowAt?: number }).benchFirstRowAt !== undefined,
            undefined,
            { timeout: 30_000 },
          );
          const firstRowMs = await page.evaluate(
            () => (globalThis as unknown as { benchFirstRowAt: number }).benchFirstRowAt,
          );
          const scroll = await page.evaluate(
            ([screenCount, jumpCount]) =>
              (
                globalThis as unknown as {
                  benchScroll: (
                    s: number,
                    j: number,
                  ) => Promise<{ longTasks: number; longestTaskMs: number }>;
                }
              ).benchScroll(screenCount ?? 0, jumpCount ?? 0),
            [screens, jumps],
          );
          context.log(
            `  page ${index + 1}: first row ${Math.round(firstRowMs)} ms; ${scroll.longTasks} long tasks while scrolling (longest ${Math.round(scroll.longestTaskMs)} ms)`,
          );
          if (index >= context.warmups) runs.push({ firstRowMs, ...scroll });
        } finally {
          await page.close();
        }
      }
      const firstRow = summarize(runs.map((run) => run.firstRowMs));
      const longest = summarize(runs.map((run) => run.longestTaskMs));
      const counts = summarize(runs.map((run) => run.longTasks));
      return {
        checks: [
          atMost(
            {
              name: 'first paint of the activity list',
              unit: 'ms',
              value: firstRow,
              baseline: null,
              target: '≤ 1 s',
            },
            1000,
          ),
          {
            name: 'longest task while scrolling',
            unit: 'ms',
            value: longest,
            baseline: null,
            limit: 50,
            target: 'no long task over 50 ms',
            met: longest.max <= 50,
          },
          {
            name: 'long tasks (> 50 ms) while scrolling',
            unit: 'tasks',
            value: counts,
            baseline: null,
            limit: 0,
            target: 'zero',
            met: counts.max === 0,
          },
        ],
        notes: [
          `${itemCount.toLocaleString('en-US')} delivered items; a fresh page per run (1280 × 800), after ${context.warmups} warm-up load(s). First paint: from navigation start to the animation frame after the first row appeared. Scrolling: ${screens} screens one per frame, then ${jumps} jumps of 20,000 px (paging in more items as a person flinging would), long tasks from PerformanceObserver('longtask'). Chromium: ${chromiumExecutablePath}, headless, on the counterpart core.`,
        ],
      };
    } finally {
      await browser.close();
      await agent.close();
    }
  },
};
