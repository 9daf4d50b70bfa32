// electron is mocked because the Electron binary cannot be downloaded on this machine; the
// end-to-end tests in tests/electron/e2e/ drive the real shell where it exists.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { desktopChannel, desktopRequestNames } from '../../src/shared/desktop-api.ts';
import { fakeElectron, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fakeElectron);

const { registerDesktopRequestHandlers } = await import('../../src/main/electron/ipc-main.ts');

const appOrigin = 'http://127.0.0.1:47821';

function register() {
  const handlers = {
    getFeedConnection: vi.fn(async () => ({ url: appOrigin, token: 't' })),
    showItemInFolder: vi.fn(async () => true),
    showSetAsideInFolder: vi.fn(async () => true),
    openSharePointLink: vi.fn(async () => true),
    exportDiagnostics: vi.fn(async () => null),
    openResponse: vi.fn(async () => true),
    openWatchedFolder: vi.fn(async () => true),
  };
  const registration = registerDesktopRequestHandlers(appOrigin, handlers);
  const invoke = async (name: string, frame: unknown, ...args: unknown[]) => {
    const handler = fakeElectron.ipcMain.handlers.get(`sitedrop:${name}`);
    if (!handler) throw new Error(`no handler for ${name}`);
    return handler({ senderFrame: frame }, ...args);
  };
  return { handlers, registration, invoke };
}

const appFrame = { url: `${appOrigin}/#token=abc`, parent: null };

beforeEach(() => resetFakeElectron());
afterEach(() => resetFakeElectron());

describe('IPC handlers', () => {
  it('registers one channel per operation of the contract, and removes them on close', () => {
    const { registration } = register();
    expect([...fakeElectron.ipcMain.handlers.keys()].sort()).toEqual(
      desktopRequestNames.map(desktopChannel).sort(),
    );
    void registration.close();
    expect(fakeElectron.ipcMain.handlers.size).toBe(0);
  });

  it('answers the app window', async () => {
    const { handlers, invoke } = register();
    await expect(invoke('getFeedConnection', appFrame)).resolves.toEqual({
      url: appOrigin,
      token: 't',
    });
    await invoke('showItemInFolder', appFrame, { folderId: 'requests', path: 'site-a/a.pdf' });
    expect(handlers.showItemInFolder).toHaveBeenCalledWith({
      folderId: 'requests',
      path: 'site-a/a.pdf',
    });
  });

  it.each([
    ['another origin', { url: 'https://evil.example/', parent: null }],
    ['another port on the same host', { url: 'http://127.0.0.1:9999/', parent: null }],
    ['a frame inside the app page', { url: `${appOrigin}/`, parent: appFrame }],
    ['a frame that is gone', null],
    ['a page with no URL', { url: '', parent: null }],
  ])('refuses a call from %s', async (_label, frame) => {
    const { handlers, invoke } = register();
    await expect(invoke('getFeedConnection', frame)).rejects.toThrow(/^ipc\.foreign-sender: /);
    await expect(invoke('openSharePointLink', frame, 'https://x.sharepoint.com/')).rejects.toThrow(
      /^ipc\.foreign-sender: /,
    );
    expect(handlers.getFeedConnection).not.toHaveBeenCalled();
    expect(handlers.openSharePointLink).not.toHaveBeenCalled();
  });

  it.each([
    ['a path that climbs out of the folder', [{ folderId: 'requests', path: '../../etc/passwd' }]],
    ['a Windows-style climb', [{ folderId: 'requests', path: 'a\\..\\..\\x' }]],
    ['a missing path', [{ folderId: 'requests' }]],
    ['an extra field', [{ folderId: 'requests', path: 'a.pdf', absolute: '/etc' }]],
    ['a string instead of an object', ['/etc/passwd']],
    ['too many arguments', [{ folderId: 'requests', path: 'a.pdf' }, 'extra']],
  ])('refuses %s', async (_label, args) => {
    const { handlers, invoke } = register();
    await expect(invoke('showItemInFolder', appFrame, ...args)).rejects.toThrow(
      /^ipc\.invalid-arguments: showItemInFolder/,
    );
    expect(handlers.showItemInFolder).not.toHaveBeenCalled();
  });

  it('refuses a link that is not a string', async () => {
    const { handlers, invoke } = register();
    await expect(invoke('openSharePointLink', appFrame, { href: 'x' })).rejects.toThrow(
      /^ipc\.invalid-arguments: /,
    );
    expect(handlers.openSharePointLink).not.toHaveBeenCalled();
  });
});
