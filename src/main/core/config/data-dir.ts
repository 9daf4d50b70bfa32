import os from 'node:os';
import path from 'node:path';

/**
 * The per-user data directory, following each OS's convention (the same folder Electron's
 * `app.getPath('userData')` names for "SiteDrop"): %APPDATA%\SiteDrop on Windows,
 * ~/Library/Application Support/SiteDrop on macOS, $XDG_CONFIG_HOME/sitedrop (default
 * ~/.config/sitedrop) elsewhere. `SITEDROP_DATA_DIR` overrides it; `--data-dir` overrides both.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.SITEDROP_DATA_DIR) return path.resolve(env.SITEDROP_DATA_DIR);
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'SiteDrop');
  }
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'SiteDrop');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'sitedrop');
}

/** Where IT puts the managed policy file on each OS (read only; locks the fields it sets). */
export function defaultPolicyPath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.SITEDROP_POLICY_FILE) return path.resolve(env.SITEDROP_POLICY_FILE);
  if (platform === 'win32') {
    return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'SiteDrop', 'policy.json');
  }
  if (platform === 'darwin') return '/Library/Application Support/SiteDrop/policy.json';
  return '/etc/sitedrop/policy.json';
}

/** The default request folder: ~/SiteDrop/Requests (created at start if missing). */
export function defaultRequestFolder(home: string = os.homedir()): string {
  return path.join(home, 'SiteDrop', 'Requests');
}

/** The default local responses folder: ~/SiteDrop/Responses (created when responses arrive). */
export function defaultResponsesFolder(home: string = os.homedir()): string {
  return path.join(home, 'SiteDrop', 'Responses');
}

/** The user config file inside a data directory (written by the Settings screen). */
export function userConfigPath(dataDir: string): string {
  return path.join(dataDir, 'config.json');
}
