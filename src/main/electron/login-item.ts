/**
 * Start at login (docs/deployment.md, `desktop.startAtLogin`): on by default for packaged builds, off for development runs, and
 * `desktop.startAtLogin` in the user config or the managed policy decides when set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { app } from 'electron';
import type { Config } from '../../shared/config-schema.ts';

/** The argument a login start passes, so the app starts in the tray without a window. */
export const hiddenStartArgument = '--hidden';

/** Whether SiteDrop should start at login: the setting when present, else whether packaged. */
export function shouldStartAtLogin(config: Config, isPackaged: boolean): boolean {
  return config.desktop.startAtLogin ?? isPackaged;
}

/**
 * Applies the login item: app.setLoginItemSettings on Windows and macOS; on Linux, where
 * Electron has no login items, an XDG autostart entry (~/.config/autostart/sitedrop.desktop).
 */
export function applyLoginItem(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): boolean {
  const isEnabled = shouldStartAtLogin(config, app.isPackaged);
  if (platform === 'linux') {
    writeLinuxAutostart(isEnabled, env);
  } else {
    app.setLoginItemSettings({ openAtLogin: isEnabled, args: [hiddenStartArgument] });
  }
  return isEnabled;
}

function writeLinuxAutostart(isEnabled: boolean, env: NodeJS.ProcessEnv): void {
  const configHome = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  const file = path.join(configHome, 'autostart', 'sitedrop.desktop');
  if (!isEnabled) {
    fs.rmSync(file, { force: true });
    return;
  }
  // An AppImage runs from a temporary mount: start the AppImage file itself.
  const executable = env.APPIMAGE ?? process.execPath;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    [
      '[Desktop Entry]',
      'Type=Application',
      'Name=SiteDrop',
      `Exec="${executable.replace(/(["\\`$])/g, '\\$1')}" ${hiddenStartArgument}`,
      'X-GNOME-Autostart-enabled=true',
      '',
    ].join('\n'),
  );
}
