// electron is mocked because the Electron binary cannot be downloaded on this machine.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigSchema } from '../../src/shared/config-schema.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { fakeElectron, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fakeElectron);

const { applyLoginItem, shouldStartAtLogin } =
  await import('../../src/main/electron/login-item.ts');

const config = (startAtLogin?: boolean) =>
  ConfigSchema.parse(startAtLogin === undefined ? {} : { desktop: { startAtLogin } });

beforeEach(() => resetFakeElectron());
afterEach(() => resetFakeElectron());

describe('start at login', () => {
  it('is on by default for installed (packaged) builds and off for development runs', () => {
    expect(shouldStartAtLogin(config(), true)).toBe(true);
    expect(shouldStartAtLogin(config(), false)).toBe(false);
  });

  it('follows desktop.startAtLogin when the user or the policy sets it', () => {
    expect(shouldStartAtLogin(config(false), true)).toBe(false);
    expect(shouldStartAtLogin(config(true), false)).toBe(true);
  });

  it('registers a login item that starts hidden in the tray on Windows and macOS', () => {
    fakeElectron.app.isPackaged = true;
    expect(applyLoginItem(config(), {}, 'win32')).toBe(true);
    expect(fakeElectron.app.setLoginItemSettings).toHaveBeenCalledExactlyOnceWith({
      openAtLogin: true,
      args: ['--hidden'],
    });
    applyLoginItem(config(false), {}, 'darwin');
    expect(fakeElectron.app.setLoginItemSettings).toHaveBeenLastCalledWith({
      openAtLogin: false,
      args: ['--hidden'],
    });
  });

  it('writes and removes an XDG autostart entry on Linux', () => {
    const home = makeTempDir();
    const env = { XDG_CONFIG_HOME: home, APPIMAGE: '/opt/Apps/SiteDrop.AppImage' };
    const file = path.join(home, 'autostart', 'sitedrop.desktop');
    fakeElectron.app.isPackaged = true;
    applyLoginItem(config(), env, 'linux');
    expect(fs.readFileSync(file, 'utf8')).toContain('Exec="/opt/Apps/SiteDrop.AppImage" --hidden');
    applyLoginItem(config(false), env, 'linux');
    expect(fs.existsSync(file)).toBe(false);
    expect(fakeElectron.app.setLoginItemSettings).not.toHaveBeenCalled();
  });
});
