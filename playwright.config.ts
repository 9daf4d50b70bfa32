// End-to-end tests: Playwright driving Debian's Chromium (/usr/bin/chromium; Playwright's own
// browser download is not possible here, DESIGN.md) against the headless agent and the Graph
// emulator, started as real processes by tests/e2e/helpers/fixtures.ts.
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumExecutablePath } from './tests/e2e/helpers/chromium-options.ts';

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
    launchOptions: { executablePath: chromiumExecutablePath, args: [...chromiumArgs] },
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'e2e', testMatch: '**/*.spec.ts', testIgnore: '**/*.measure.spec.ts' },
    // Checks that measure smoothness (long tasks) run after every other test, alone: a test
    // running on the other core at the same time would be measured with them.
    {
      name: 'measure',
      testMatch: '**/*.measure.spec.ts',
      dependencies: ['e2e'],
      fullyParallel: false,
    },
  ],
});
