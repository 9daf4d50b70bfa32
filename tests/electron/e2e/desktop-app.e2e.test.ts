// The real desktop app, driven by Playwright's _electron. These tests run where the Electron
// binary exists and skip where it does not: it cannot be downloaded on this machine (npm does
// not run electron's install script here), which is why tests/electron/*.test.ts mock electron.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The Electron executable, or undefined when the binary is not installed. Found the way
 * electron's index.js finds it, without requiring it (which would try to download it).
 */
function electronExecutable(): string | undefined {
  const packageDir = path.join(root, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const file = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return fs.existsSync(file) ? file : undefined;
  }
  try {
    const relative = fs.readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim();
    const file = path.join(packageDir, 'dist', relative);
    return fs.existsSync(file) ? file : undefined;
  } catch {
    return undefined; // no path.txt: the binary was never installed
  }
}

const executablePath = electronExecutable();
const skipReason = 'Electron binary not available on this machine (cannot be downloaded here)';

async function launch(home: string): Promise<ElectronApplication> {
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.electron.json'],
    {
      cwd: root,
    },
  );
  return _electron.launch({
    executablePath,
    args: [root],
    env: {
      ...process.env,
      HOME: home,
      SITEDROP_DATA_DIR: path.join(home, 'data'),
      SITEDROP_POLICY_FILE: path.join(home, 'policy.json'),
      SITEDROP_FEED_PORT: '0',
    },
  });
}

describe.skipIf(executablePath === undefined)(
  `the desktop app (e2e; skipped: ${skipReason})`,
  () => {
    it('opens the dashboard from the local feed, isolated, with only the contract exposed', async () => {
      const home = makeTempDir();
      const app = await launch(home);
      try {
        const page = await app.firstWindow();
        expect(new URL(page.url()).hostname).toBe('127.0.0.1');
        const exposed = await page.evaluate(() => ({
          api: Object.keys((globalThis as unknown as { sitedrop: object }).sitedrop).sort(),
          hasRequire: typeof (globalThis as { require?: unknown }).require !== 'undefined',
          hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
        }));
        expect(exposed).toEqual({
          api: [
            'exportDiagnostics',
            'getFeedConnection',
            'openSharePointLink',
            'showItemInFolder',
            'showSetAsideInFolder',
          ],
          hasRequire: false,
          hasProcess: false,
        });
        const popup = await page.evaluate(
          () =>
            (globalThis as unknown as { open(url: string): unknown }).open(
              'https://example.com/',
            ) === null,
        );
        expect(popup).toBe(true);
      } finally {
        await app.close();
      }
    });

    it('keeps running in the tray when the window closes, and quits cleanly', async () => {
      const home = makeTempDir();
      const app = await launch(home);
      const page = await app.firstWindow();
      await page.close();
      expect(app.process().exitCode).toBeNull();
      await app.evaluate(({ app: electronApp }) => electronApp.quit());
      await new Promise((resolve) => app.process().once('exit', resolve));
      expect(fs.existsSync(path.join(home, 'data', 'agent.lock'))).toBe(false);
    });
  },
);

describe.runIf(executablePath === undefined)('the desktop app (e2e)', () => {
  it.skip(skipReason, () => undefined);
});
