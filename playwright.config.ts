// End-to-end tests: Playwright driving a Chrome or Chromium found by requireChromium() (the
// SITEDROP_CHROMIUM path, Playwright's own Chromium, or the OS's) against the headless agent and
// the Graph emulator, started as real processes by tests/e2e/helpers/fixtures.ts.
import { defineConfig } from '@playwright/test';
import { chromiumArgs, requireChromium } from './tests/e2e/helpers/chromium-options.ts';

const chromium = requireChromium();

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 45_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  outputDir: 'test-results/e2e',
  globalSetup: './tests/e2e/helpers/build-ui.ts',
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    launchOptions: { executablePath: chromium.executablePath, args: [...chromiumArgs] },
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'e2e', testMatch: '**/*.spec.ts', testIgnore: '**/*.measure.spec.ts' },
    // Checks that measure smoothness (long tasks) run after every other test, alone: a test
    // running on the other core at the same time would be measured with them. Without a trace:
    // Playwright's trace recorder snapshots the page's DOM in the page itself at every action,
    // and with 100,000 items that work was measured as the page's (first paint 1.17-1.25 s and
    // 50 long tasks of 53-92 ms on one host, against 0.84-0.86 s and none untraced; 2026-12-07).
    {
      name: 'measure',
      testMatch: '**/*.measure.spec.ts',
      dependencies: ['e2e'],
      fullyParallel: false,
      use: { trace: 'off' },
    },
  ],
});
