// The first step of `npm test`: find the browser the end-to-end tests drive, so that a machine
// without one learns how to get it in a second, before any test runs.
import { requireChromium } from './chromium-options.ts';

try {
  const found = requireChromium();
  console.log(`Browser tests will drive ${found.executablePath} (found by: ${found.source}).`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
