/**
 * How SiteDrop's browser tests and the dashboard benchmark start Chromium: Debian's build (the
 * Playwright download is not possible here; SITEDROP_CHROMIUM overrides the path), headless,
 * with the flags that keep it from reaching for the network this machine does not have.
 */
export const chromiumExecutablePath: string =
  process.env['SITEDROP_CHROMIUM'] ?? '/usr/bin/chromium';

/** Chromium's command-line flags for headless runs as root on a closed network. */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
