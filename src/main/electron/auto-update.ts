/**
 * Auto-update through electron-updater, only where an update's signature is verified against
 * the configured publisher, and only over HTTPS (docs/deployment.md, "Updates").
 *
 * The update feed is the organisation's: electron-builder writes it into the packaged app's
 * resources/app-update.yml from the `publish` settings given at build time. Without that file
 * the app never looks for updates.
 * - Windows: electron-updater checks the installer's Authenticode signature against the
 *   `publisherName` in app-update.yml (taken from the signing certificate). An unsigned build
 *   has none, and then updates are not started at all.
 * - macOS: Squirrel.Mac installs only an update signed like the running app.
 * - Linux: no signature check exists for AppImage or deb updates, so updates come from the
 *   organisation's package management instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import updater from 'electron-updater';
import type { Logger } from '../core/logging/index.ts';
import type { Disposable } from '../core/lifecycle/index.ts';

/** How often a running app looks for an update: every six hours. */
export const updateCheckIntervalMs = 6 * 60 * 60 * 1000;

/** Why updates are off, or undefined when they may run. */
export function updateRefusal(
  updateConfigText: string | undefined,
  platform: NodeJS.Platform,
): string | undefined {
  if (updateConfigText === undefined)
    return 'no update feed was configured when this build was made';
  if (platform !== 'win32' && platform !== 'darwin') {
    return "on Linux, updates come from the organisation's package management (no signature check exists for AppImage or deb updates)";
  }
  const url = /^\s*url:\s*['"]?([^'"\s]+)/m.exec(updateConfigText)?.[1];
  if (url !== undefined && !url.startsWith('https://')) {
    return `the update feed ${url} is not HTTPS`;
  }
  if (platform === 'win32' && !/^\s*publisherName:/m.test(updateConfigText)) {
    return "this build is not code-signed, so an update's publisher could not be verified";
  }
  return undefined;
}

/**
 * Starts looking for updates now and every six hours, downloading in the background and
 * installing at quit, when the build allows it (see updateRefusal); logs why not otherwise.
 */
export function startAutoUpdate(options: {
  isPackaged: boolean;
  isEnabled: boolean;
  resourcesPath: string;
  logger: Logger;
}): Disposable {
  const { logger } = options;
  if (!options.isPackaged || !options.isEnabled) {
    logger.info(
      { isPackaged: options.isPackaged, isEnabled: options.isEnabled },
      'Auto-update is off',
    );
    return { close: () => undefined };
  }
  let text: string | undefined;
  try {
    text = fs.readFileSync(path.join(options.resourcesPath, 'app-update.yml'), 'utf8');
  } catch {
    text = undefined; // no feed configured: said below
  }
  const refusal = updateRefusal(text, process.platform);
  if (refusal) {
    logger.info({ reason: refusal }, 'Auto-update is off');
    return { close: () => undefined };
  }
  const { autoUpdater } = updater;
  autoUpdater.logger = {
    info: (message?: unknown) => logger.info({ updater: message }, 'Updater'),
    warn: (message?: unknown) => logger.warn({ updater: message }, 'Updater'),
    error: (message?: unknown) => logger.error({ updater: message }, 'Updater'),
    debug: (message: string) => logger.debug({ updater: message }, 'Updater'),
  };
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.allowDowngrade = false;
  autoUpdater.allowPrerelease = false;
  const check = () =>
    autoUpdater
      .checkForUpdates()
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'Looking for an update failed; trying again later'),
      );
  void check();
  const timer = setInterval(() => void check(), updateCheckIntervalMs);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
