// electron is mocked because the Electron binary cannot be downloaded on this machine; the
// end-to-end tests in tests/electron/e2e/ drive the real shell where it exists.
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigSchema, type ConfigInput } from '../../src/shared/config-schema.ts';
import type { LoggedEvent } from '../../src/shared/events.ts';
import { EventBus } from '../../src/main/core/events/index.ts';
import { FileSecretStore } from '../../src/main/core/secrets/index.ts';
import type { ShellAgent } from '../../src/main/electron/desktop-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import {
  fakeElectron,
  fakeEvent,
  resetFakeElectron,
  type FakeBrowserWindow,
  type FakeTray,
} from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fakeElectron);
vi.mock('electron-updater', () => ({ default: { autoUpdater: {} } }));

const { runDesktopApp } = await import('../../src/main/electron/desktop-app.ts');

const feedUrl = 'http://127.0.0.1:47821';

function fakeAgent(dataDir: string, configInput: ConfigInput = {}, isPausedAll = false) {
  const bus = new EventBus((error) => {
    throw error;
  });
  let seq = 0;
  const logs: Record<string, unknown>[] = [];
  const agent = {
    dataDir,
    config: ConfigSchema.parse({
      folders: [{ id: 'requests', path: path.join(dataDir, 'Requests') }],
      ...configInput,
    }),
    configPath: path.join(dataDir, 'config.json'),
    bus,
    logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) }),
    secretStore: new FileSecretStore(dataDir),
    store: {
      countsByState: () => ({}),
      getItem: (itemId: number) => ({
        relativePath: `site-a/file-${itemId}.pdf`,
        state: 'delivered' as const,
      }),
      listItemEvents: () => [],
      responses: { get: () => undefined },
    },
    feed: { url: feedUrl, dashboardUrl: `${feedUrl}/#token=tok`, token: 'tok' },
    delivery: { pauseState: () => ({ isPausedAll }) },
    close: vi.fn((_reason?: string) => Promise.resolve()),
  } satisfies ShellAgent;
  const publish = (event: Omit<LoggedEvent, 'seq' | 'at'>) =>
    bus.publish([{ ...event, seq: (seq += 1), at: Date.now() } as LoggedEvent]);
  return { agent, publish, logs };
}

async function start(
  options: {
    argv?: string[];
    config?: ConfigInput;
    isPausedAll?: boolean;
    platform?: NodeJS.Platform;
  } = {},
) {
  const dataDir = makeTempDir();
  const { agent, publish, logs } = fakeAgent(dataDir, options.config, options.isPausedAll);
  const startAgent = vi.fn(async () => agent);
  const app = await runDesktopApp({
    startAgent,
    preloadPath: '/app/preload.cjs',
    trayIconDir: '/app/assets/tray',
    dataDir,
    argv: options.argv ?? ['electron', '.'],
    platform: options.platform ?? 'linux',
  });
  return { app, agent, publish, startAgent, dataDir, logs };
}

const windows = () =>
  (fakeElectron.BrowserWindow as unknown as { instances: FakeBrowserWindow[] }).instances;
const tray = () => (fakeElectron.Tray as unknown as { instances: FakeTray[] }).instances[0];

beforeEach(() => resetFakeElectron());
afterEach(() => {
  vi.useRealTimers();
  resetFakeElectron();
});

describe('the desktop app', () => {
  it('starts the core on the per-user data directory and opens the dashboard', async () => {
    const { app, startAgent, dataDir } = await start();
    expect(startAgent).toHaveBeenCalledExactlyOnceWith({
      dataDir,
      secretStore: expect.objectContaining({ describe: expect.any(Function) }),
      openExternal: expect.any(Function),
    });
    expect(fakeElectron.app.getPath('userData')).toBe(dataDir);
    // "Sign in with Microsoft" opens the system browser through the shell (electron is faked).
    const [{ openExternal }] = startAgent.mock.calls[0] as unknown as [
      { openExternal: (url: string) => Promise<void> },
    ];
    await openExternal('https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize');
    expect(fakeElectron.shell.openExternal).toHaveBeenCalledWith(
      'https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize',
    );
    expect(windows()).toHaveLength(1);
    expect(windows()[0]?.loadedUrl).toBe(`${feedUrl}/#token=tok`);
    expect(windows()[0]?.isShown).toBe(true);
    await app?.quit();
  });

  it('quits at once when another instance runs, without starting a second agent', async () => {
    fakeElectron.app.hasSingleInstanceLock = false;
    const { app, startAgent } = await start();
    expect(app).toBeUndefined();
    expect(startAgent).not.toHaveBeenCalled();
    expect(fakeElectron.app.quit).toHaveBeenCalled();
    expect(windows()).toHaveLength(0);
  });

  it('focuses the first window when SiteDrop is launched again', async () => {
    const { app } = await start();
    const window = windows()[0];
    window?.close(); // hidden in the tray
    if (window) window.minimized = true;
    fakeElectron.app.emit('second-instance');
    expect(windows()).toHaveLength(1);
    expect(window?.isShown).toBe(true);
    expect(window?.minimized).toBe(false);
    expect(window?.focusCount).toBeGreaterThan(1);
    await app?.quit();
  });

  it('keeps the agent running in the tray when the window is closed', async () => {
    const { app, agent } = await start();
    windows()[0]?.close();
    fakeElectron.app.emit('window-all-closed');
    expect(agent.close).not.toHaveBeenCalled();
    expect(fakeElectron.app.quit).not.toHaveBeenCalled();
    expect(tray()?.isDestroyed()).toBe(false);
    tray()?.clickMenuItem('Open SiteDrop');
    expect(windows()[0]?.isShown).toBe(true);
    await app?.quit();
  });

  it('starts hidden in the tray when launched at login', async () => {
    const { app } = await start({ argv: ['SiteDrop', '--hidden'] });
    expect(windows()).toHaveLength(0);
    tray()?.emit('click');
    expect(windows()[0]?.isShown).toBe(true);
    await app?.quit();
  });

  it('quits cleanly from the tray: the agent closes before the process ends', async () => {
    const { agent } = await start();
    const order: string[] = [];
    agent.close.mockImplementation(async () => void order.push('agent closed'));
    fakeElectron.app.quit.mockImplementationOnce(() => {
      const event = {
        isDefaultPrevented: false,
        preventDefault: () => (event.isDefaultPrevented = true),
      };
      fakeElectron.app.emit('before-quit', event);
      order.push(event.isDefaultPrevented ? 'quit deferred' : 'quit');
    });
    tray()?.clickMenuItem('Quit SiteDrop');
    await vi.waitFor(() => expect(order).toEqual(['quit deferred', 'agent closed']));
    await vi.waitFor(() => expect(fakeElectron.app.quit).toHaveBeenCalledTimes(2));
    expect(agent.close).toHaveBeenCalledExactlyOnceWith('quit');
    expect(tray()?.isDestroyed()).toBe(true);
    expect(fakeElectron.ipcMain.handlers.size).toBe(0);
    windows()[0]?.close();
    expect(windows()[0]?.isClosed).toBe(true); // quitting: a close really closes
  });

  it('closes the agent before a Linux or macOS shutdown, holding the shutdown until it has', async () => {
    const { agent } = await start();
    const shutdown = fakeEvent();
    fakeElectron.powerMonitor.emit('shutdown', shutdown);
    expect(shutdown.isDefaultPrevented).toBe(true);
    await vi.waitFor(() => expect(fakeElectron.app.quit).toHaveBeenCalled());
    expect(agent.close).toHaveBeenCalledExactlyOnceWith('shutdown');
    expect(fakeElectron.powerMonitor.listenerCount('shutdown')).toBe(0);
  });

  it.each(['query-session-end', 'session-end'])(
    'closes the agent on a Windows logoff or shutdown (%s), also when it started hidden in the tray',
    async (eventName) => {
      const { agent } = await start({ platform: 'win32', argv: ['SiteDrop', '--hidden'] });
      const window = windows()[0];
      expect(window?.isShown).toBe(false);
      window?.emit(eventName, fakeEvent());
      await vi.waitFor(() => expect(fakeElectron.app.quit).toHaveBeenCalled());
      expect(agent.close).toHaveBeenCalledExactlyOnceWith('session-end');
    },
  );

  it('never looks for updates when desktop.autoUpdate is off, even in a packaged build', async () => {
    fakeElectron.app.isPackaged = true;
    const { app, logs } = await start({ config: { desktop: { autoUpdate: false } } });
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'Auto-update is off', isPackaged: true, isEnabled: false }),
    );
    await app?.quit();
  });

  it('tells the person why the agent cannot start, and exits', async () => {
    const dataDir = makeTempDir();
    const app = await runDesktopApp({
      startAgent: () => Promise.reject(new Error('config.json: feed.port: must be a number')),
      preloadPath: '/p',
      trayIconDir: '/t',
      dataDir,
    });
    expect(app).toBeUndefined();
    expect(fakeElectron.dialog.showErrorBox).toHaveBeenCalledWith(
      'SiteDrop cannot start',
      'config.json: feed.port: must be a number',
    );
    expect(fakeElectron.app.exit).toHaveBeenCalledWith(1);
  });
});

describe('the tray', () => {
  it('changes its icon and tooltip with the overall health', async () => {
    const { app, publish } = await start();
    expect(tray()?.image.path).toBe(path.join('/app/assets/tray', 'tray-ok.png'));
    publish({
      type: 'connection.changed',
      data: { breaker: 'open', nextProbeAt: 1, detail: 'down' },
    });
    // An outage is waited out, not a problem for a person.
    expect(tray()?.image.path).toBe(path.join('/app/assets/tray', 'tray-waiting.png'));
    expect(tray()?.tooltip).toBe('SiteDrop: waiting for SharePoint');
    publish({
      type: 'connection.changed',
      data: { breaker: 'closed', nextProbeAt: null, detail: 'up' },
    });
    publish({ type: 'delivery.paused', data: { folderId: null } });
    expect(tray()?.image.path).toBe(path.join('/app/assets/tray', 'tray-paused.png'));
    expect(tray()?.menu.map((item) => item.label)).toContain('Resume delivery');
    publish({ type: 'delivery.resumed', data: { folderId: null } });
    expect(tray()?.image.path).toBe(path.join('/app/assets/tray', 'tray-ok.png'));
    expect(tray()?.menu.map((item) => item.label)).toContain('Pause delivery');
    await app?.quit();
  });

  it('starts paused when delivery was paused before the restart', async () => {
    const { app } = await start({ isPausedAll: true });
    expect(tray()?.image.path).toBe(path.join('/app/assets/tray', 'tray-paused.png'));
    expect(tray()?.menu.map((item) => item.label)).toContain('Resume delivery');
    await app?.quit();
  });

  it("has the menu a person needs, and pauses delivery through the agent's own API", async () => {
    const fetchSpy = vi
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(new Response('{}', { status: 200 }));
    const { app, agent } = await start();
    expect(
      tray()
        ?.menu.filter((item) => item.label)
        .map((item) => item.label),
    ).toEqual([
      'Open SiteDrop',
      'Pause delivery',
      'Open request folder',
      'Export diagnostics…',
      'Quit SiteDrop',
    ]);
    tray()?.clickMenuItem('Pause delivery');
    expect(fetchSpy).toHaveBeenCalledWith(`${feedUrl}/api/pause`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
      body: JSON.stringify({ folderId: null }),
    });
    tray()?.clickMenuItem('Open request folder');
    expect(fakeElectron.shell.openPath).toHaveBeenCalledWith(agent.config.folders[0]?.path);
    fetchSpy.mockRestore();
    await app?.quit();
  });
});

describe('notifications', () => {
  it('shows one notification for a burst of failures', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const { app, publish } = await start();
    for (let itemId = 1; itemId <= 5; itemId += 1) {
      publish({ type: 'item.failed', data: { itemId, errorCode: 'x', errorMessage: 'denied' } });
    }
    await vi.advanceTimersByTimeAsync(5_000);
    const shown = (fakeElectron.Notification as unknown as { shown: unknown[] }).shown;
    expect(shown).toEqual([
      {
        title: '5 files need you',
        body: '5 could not be delivered. Open SiteDrop to see why and retry.',
      },
    ]);
    await app?.quit();
  });

  it('shows none when desktop.notifications is off', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const { app, publish } = await start({ config: { desktop: { notifications: false } } });
    publish({ type: 'item.failed', data: { itemId: 1, errorCode: 'x', errorMessage: 'denied' } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect((fakeElectron.Notification as unknown as { shown: unknown[] }).shown).toEqual([]);
    await app?.quit();
  });
});
