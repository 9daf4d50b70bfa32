import { describe, expect, it } from 'vitest';
import {
  findChromium,
  noChromiumMessage,
  requireChromium,
  type ChromiumSearch,
} from '../../e2e/helpers/chromium-options.ts';

/** A machine where exactly these files exist. */
function machine(files: string[], options: Omit<ChromiumSearch, 'isFile'> = {}): ChromiumSearch {
  const existing = new Set(files);
  return {
    env: {},
    platform: 'linux',
    playwrightExecutablePath: () => '/home/u/.cache/ms-playwright/chromium-1/chrome-linux64/chrome',
    ...options,
    isFile: (candidate) => existing.has(candidate),
  };
}

describe('finding the browser the end-to-end tests drive', () => {
  it('takes SITEDROP_CHROMIUM first, ahead of every installed browser', () => {
    const search = machine(['/custom/chrome', '/usr/bin/chromium'], {
      env: { SITEDROP_CHROMIUM: '/custom/chrome' },
    });
    expect(findChromium(search)).toEqual({
      executablePath: '/custom/chrome',
      source: 'environment',
    });
  });

  it('says so when SITEDROP_CHROMIUM names a file that does not exist', () => {
    const search = machine(['/usr/bin/chromium'], { env: { SITEDROP_CHROMIUM: '/nope/chrome' } });
    expect(() => findChromium(search)).toThrow(
      /SITEDROP_CHROMIUM names \/nope\/chrome, which does not exist/,
    );
  });

  it("takes Playwright's own Chromium before the OS's", () => {
    const playwright = '/home/u/.cache/ms-playwright/chromium-1/chrome-linux64/chrome';
    expect(findChromium(machine([playwright, '/usr/bin/chromium']))).toEqual({
      executablePath: playwright,
      source: 'playwright',
    });
  });

  it('passes over a Playwright that has no Chromium for this platform', () => {
    const search = machine(['/usr/bin/google-chrome'], {
      playwrightExecutablePath: () => {
        throw new Error('unsupported platform');
      },
    });
    expect(findChromium(search)?.executablePath).toBe('/usr/bin/google-chrome');
  });

  it.each([
    ['linux', {}, '/usr/bin/chromium'],
    ['linux', {}, '/snap/bin/chromium'],
    ['darwin', {}, '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'],
    ['darwin', { HOME: '/Users/u' }, '/Users/u/Applications/Chromium.app/Contents/MacOS/Chromium'],
    [
      'win32',
      { PROGRAMFILES: 'C:\\Program Files' },
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    ],
    [
      'win32',
      { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' },
      'C:\\Users\\u\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
    ],
  ] as const)('finds Chrome or Chromium at its usual place on %s: %s', (platform, env, file) => {
    expect(findChromium(machine([file], { platform, env }))).toEqual({
      executablePath: file,
      source: 'system',
    });
  });

  it('stops with one sentence naming both ways to install a browser when there is none', () => {
    expect(findChromium(machine([]))).toBeUndefined();
    expect(() => requireChromium(machine([]))).toThrow(noChromiumMessage);
    expect(noChromiumMessage).toContain('npx playwright install chromium');
    expect(noChromiumMessage).toContain('apt-get install chromium');
    expect(noChromiumMessage.split('. ').length).toBe(1);
  });
});
