import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

/** The environment variable that names the browser the tests drive, ahead of every other. */
export const chromiumPathVariable = 'SITEDROP_CHROMIUM';

/** Where a Chromium-family browser was found, and which rule found it. */
export interface ChromiumLocation {
  readonly executablePath: string;
  readonly source: 'environment' | 'playwright' | 'system';
}

/** What the search looks at; the defaults are this process's own. */
export interface ChromiumSearch {
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  /** Where Playwright's own Chromium would be (`npx playwright install chromium`). */
  readonly playwrightExecutablePath?: () => string;
  readonly isFile?: (candidate: string) => boolean;
}

/** The sentence shown when no browser is found: both ways to get one. */
export const noChromiumMessage =
  'No Chrome or Chromium found for the browser tests: install one with ' +
  '`npx playwright install chromium` or your OS package (Debian/Ubuntu: `apt-get install chromium`), ' +
  `or set ${chromiumPathVariable} to a Chrome or Chromium executable.`;

/**
 * The usual install locations of Chrome and Chromium on one OS, most specific first.
 *
 * Windows locations follow Chrome's per-machine and per-user installs
 * (`%ProgramFiles%`, `%ProgramFiles(x86)%`, `%LocalAppData%`).
 */
export function usualChromiumPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') {
    const apps = [
      'Google Chrome.app/Contents/MacOS/Google Chrome',
      'Chromium.app/Contents/MacOS/Chromium',
    ];
    const roots = [
      '/Applications',
      ...(env['HOME'] ? [path.join(env['HOME'], 'Applications')] : []),
    ];
    return roots.flatMap((root) => apps.map((app) => path.posix.join(root, app)));
  }
  if (platform === 'win32') {
    const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter(
      (root): root is string => root !== undefined && root !== '',
    );
    const apps = ['Google\\Chrome\\Application\\chrome.exe', 'Chromium\\Application\\chrome.exe'];
    return roots.flatMap((root) => apps.map((app) => path.win32.join(root, app)));
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/snap/bin/chromium',
  ];
}

/**
 * Find the browser the end-to-end tests and the dashboard benchmark drive.
 *
 * In order: the path in SITEDROP_CHROMIUM (which must exist: a wrong explicit path is an error,
 * not a reason to pick another browser), Playwright's own installed Chromium, then Chrome or
 * Chromium at their usual paths. Returns undefined when none exists.
 */
export function findChromium(search: ChromiumSearch = {}): ChromiumLocation | undefined {
  const env = search.env ?? process.env;
  const platform = search.platform ?? process.platform;
  const isFile = search.isFile ?? existsSync;
  const explicit = env[chromiumPathVariable];
  if (explicit !== undefined && explicit !== '') {
    if (!isFile(explicit)) {
      throw new Error(
        `${chromiumPathVariable} names ${explicit}, which does not exist: point it at a Chrome or ` +
          'Chromium executable, or unset it to let the tests find one.',
      );
    }
    return { executablePath: explicit, source: 'environment' };
  }
  const playwrightPath = readPlaywrightPath(search.playwrightExecutablePath);
  if (playwrightPath !== undefined && isFile(playwrightPath)) {
    return { executablePath: playwrightPath, source: 'playwright' };
  }
  const system = usualChromiumPaths(platform, env).find((candidate) => isFile(candidate));
  return system === undefined ? undefined : { executablePath: system, source: 'system' };
}

/** The browser to drive, or an error carrying {@link noChromiumMessage}. */
export function requireChromium(search?: ChromiumSearch): ChromiumLocation {
  const found = findChromium(search);
  if (found === undefined) throw new Error(noChromiumMessage);
  return found;
}

function readPlaywrightPath(read: (() => string) | undefined): string | undefined {
  try {
    return (read ?? (() => chromium.executablePath()))();
  } catch {
    // playwright-core throws when it has no Chromium revision for this platform: not installed.
    return undefined;
  }
}

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
