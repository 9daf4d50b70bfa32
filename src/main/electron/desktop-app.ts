/**
 * The desktop app's lifecycle: the thin shell around the same core that runs headless
 * (docs/architecture.md, "Layers"; docs/deployment.md, "The desktop app's security").
 *
 * One instance per user (a second launch focuses the first window); the agent runs on the
 * per-user data directory (app.getPath('userData'), the core's defaultDataDir); the window
 * shows the agent's own dashboard; closing it leaves the agent in the tray; Quit closes the
 * agent gracefully before the process ends. All behaviour lives in the core: this file only
 * connects it to Electron.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { app, dialog, powerMonitor, session, shell, type BrowserWindow } from 'electron';
import type { Config } from '../../shared/config-schema.ts';
import type { ItemLocation } from '../../shared/desktop-api.ts';
import type { LoggedEvent } from '../../shared/events.ts';
import type { ItemState } from '../../shared/item-state.ts';
import { defaultDataDir, defaultPolicyPath } from '../core/config/index.ts';
import { writeDiagnosticsBundle } from '../core/diagnostics/index.ts';
import type { EventBus } from '../core/events/index.ts';
import { HealthMonitor } from '../core/health/index.ts';
import { DisposableStore, systemClock, toDisposable } from '../core/lifecycle/index.ts';
import type { Logger } from '../core/logging/index.ts';
import { AttentionNotifier, ResponsesNotifier } from '../core/notifications/index.ts';
import type { SecretStore } from '../core/platform.ts';
import { startAutoUpdate } from './auto-update.ts';
import { ElectronNotifier } from './electron-notifier.ts';
import { registerDesktopRequestHandlers } from './ipc-main.ts';
import { applyLoginItem, hiddenStartArgument } from './login-item.ts';
import { createMainWindow, focusWindow, type MainWindowOptions } from './main-window.ts';
import { openResponse, type ResponseRecords } from './open-response.ts';
import { openWatchedFolder } from './open-watched-folder.ts';
import { revealSetAside } from './reveal-set-aside.ts';
import { SafeStorageSecretStore } from './safe-storage-secret-store.ts';
import { TrayIcon } from './tray-icon.ts';
import { isSharePointLink, secureSession, sharePointHostsOf } from './web-security.ts';

/** What the shell uses of a running agent (src/main/core/agent.ts's Agent provides it). */
export interface ShellAgent {
  readonly dataDir: string;
  readonly config: Config;
  readonly configPath: string;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly secretStore: SecretStore;
  readonly store: {
    countsByState(): Partial<Record<ItemState, number>>;
    getItem(itemId: number): { relativePath: string; state: ItemState } | undefined;
    listItemEvents(itemId: number, limit: number): LoggedEvent[];
    readonly responses: ResponseRecords;
  };
  /** The agent's local feed: its URL, the dashboard URL (token in the fragment) and the token. */
  readonly feed: { readonly url: string; readonly dashboardUrl: string; readonly token: string };
  /** Delivery's pause state, which survives restarts (the tray starts from it). */
  readonly delivery: { pauseState(): { isPausedAll: boolean } };
  close(reason?: string): Promise<void>;
}

/** How the shell starts the core, and where its files are. */
export interface DesktopAppOptions {
  startAgent(options: {
    dataDir: string;
    secretStore: SecretStore;
    /** Opens "Sign in with Microsoft" in the system browser (msal's loopback takes the answer). */
    openExternal: (url: string) => Promise<void>;
  }): Promise<ShellAgent>;
  /** The compiled preload script. */
  preloadPath: string;
  /** The folder holding tray-<health>.png. */
  trayIconDir: string;
  /** The data directory (default: the core's defaultDataDir, which SITEDROP_DATA_DIR overrides). */
  dataDir?: string;
  /** The command line (default process.argv). */
  argv?: readonly string[];
  /** The OS (default process.platform): how the end of a session is announced differs. */
  platform?: NodeJS.Platform;
}

/** The running app, for the entry point and for tests. */
export interface DesktopApp {
  readonly agent: ShellAgent;
  /** The window, once created (it is created on first show). */
  window(): BrowserWindow | undefined;
  readonly tray: TrayIcon;
  /** Shows (creating if needed) and focuses the window. */
  showWindow(): void;
  /** Closes everything in order (the agent with `reason`, default 'quit'), then lets it quit. */
  quit(reason?: string): Promise<void>;
}

/**
 * Runs the desktop app. Resolves undefined when another instance already runs (this one then
 * quits, and the first one focuses its window) or when the agent cannot start (after telling
 * the person why).
 */
export async function runDesktopApp(options: DesktopAppOptions): Promise<DesktopApp | undefined> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  // The core's per-user directory (SITEDROP_DATA_DIR honoured) is Electron's userData, so the
  // desktop app and `sitedrop status` agree on every OS; Chromium's own files go in a subfolder.
  const dataDir = options.dataDir ?? defaultDataDir();
  app.setPath('userData', dataDir);
  app.setPath('sessionData', path.join(dataDir, 'electron'));
  // The window and the quit are made once the agent runs; events before that find neither.
  const late: { windows?: MainWindowControl; quit?: ShellQuit } = {};
  app.on('second-instance', () => late.windows?.show());
  // Closing the last window keeps the agent running in the tray.
  app.on('window-all-closed', () => undefined);

  const agent = await startShellAgent(options, dataDir);
  if (!agent) return undefined;
  const owned = new DisposableStore();
  const appOrigin = new URL(agent.feed.url).origin;
  const sharePointHosts = () => sharePointHostsOf(agent.config.sharepoint.siteUrl);
  const openExternal = (url: string) => void shell.openExternal(url);
  secureSession(session.defaultSession, { appOrigin });
  const shown = controlMainWindow({
    dashboardUrl: agent.feed.dashboardUrl,
    preloadPath: options.preloadPath,
    appOrigin,
    sharePointHosts,
    openExternal,
    isQuitting: () => late.quit?.isQuitting() ?? false,
    endSession: (reason) => late.quit?.endSession(reason),
  });
  late.windows = shown;
  owned.add(
    registerDesktopRequestHandlers(appOrigin, {
      getFeedConnection: async () => ({ url: agent.feed.url, token: agent.feed.token }),
      showItemInFolder: async (location) => revealItem(agent.config, location),
      showSetAsideInFolder: async (request) => revealSetAside(agent.store, request),
      openSharePointLink: async (url) => {
        if (!isSharePointLink(url, sharePointHosts())) return false;
        openExternal(url);
        return true;
      },
      exportDiagnostics: () => exportDiagnostics(agent, shown.current()),
      openResponse: async (request) => openResponse(agent.store.responses, request),
      openWatchedFolder: async (folderId) => openWatchedFolder(agent.config.folders, folderId),
    }),
  );
  const tray = startTray(agent, options.trayIconDir, shown, owned);
  startDesktopServices(agent, shown, owned, tray);
  const quitting = handleQuit(agent, owned);
  late.quit = quitting;

  const isHidden = (options.argv ?? process.argv).includes(hiddenStartArgument);
  if (!isHidden) shown.show();
  // On Windows a window is what hears of a logoff or shutdown: keep one, hidden, from the start.
  else if ((options.platform ?? process.platform) === 'win32') shown.create({ isShown: false });
  return {
    agent,
    window: () => shown.current(),
    tray,
    showWindow: () => shown.show(),
    quit: quitting.quit,
  };
}

/** Starts the core once Electron is ready; undefined (and the app exits) when it cannot start. */
async function startShellAgent(
  options: DesktopAppOptions,
  dataDir: string,
): Promise<ShellAgent | undefined> {
  await app.whenReady();
  try {
    return await options.startAgent({
      dataDir: app.getPath('userData'),
      secretStore: new SafeStorageSecretStore(dataDir),
      openExternal: (url) => shell.openExternal(url),
    });
  } catch (error) {
    // ConfigError and DataDirLockedError name the file, the field or the PID, and the fix.
    dialog.showErrorBox('SiteDrop cannot start', (error as Error).message);
    app.exit(1);
    return undefined;
  }
}

/** The one main window: made on first show, shown and focused again on later ones. */
interface MainWindowControl {
  current(): BrowserWindow | undefined;
  create(options: { isShown: boolean }): void;
  show(): void;
}

function controlMainWindow(
  options: Omit<MainWindowOptions, 'canOpenDevTools' | 'isShownWhenReady'> & {
    endSession(reason: string): void;
  },
): MainWindowControl {
  const { endSession, ...windowOptions } = options;
  let mainWindow: BrowserWindow | undefined;
  const create = ({ isShown }: { isShown: boolean }) => {
    if (mainWindow && !mainWindow.isDestroyed()) return;
    mainWindow = createMainWindow({
      ...windowOptions,
      canOpenDevTools: !app.isPackaged,
      isShownWhenReady: isShown,
    });
    // Windows announces a logoff or shutdown to windows only (Electron's 'query-session-end'
    // and 'session-end'), and then never emits before-quit: close the agent gracefully now.
    // The session is not held up; whatever does not finish is safe (WAL, resumable uploads).
    mainWindow.on('query-session-end', () => endSession('session-end'));
    mainWindow.on('session-end', () => endSession('session-end'));
  };
  return {
    current: () => mainWindow,
    create,
    show: () => {
      create({ isShown: true });
      if (mainWindow) focusWindow(mainWindow);
    },
  };
}

/** The tray icon, following overall health and the pause state; it closes with `owned`. */
function startTray(
  agent: ShellAgent,
  iconDir: string,
  windows: MainWindowControl,
  owned: DisposableStore,
): TrayIcon {
  const health = owned.add(
    new HealthMonitor({
      countItems: () => agent.store.countsByState(),
      bus: agent.bus,
      clock: systemClock,
      // A pause outlives a restart (delivery keeps it in the store): start the tray from it.
      isPaused: agent.delivery.pauseState().isPausedAll,
    }),
  );
  const tray = new TrayIcon({
    iconDir,
    health: health.current(),
    isPaused: health.isPaused(),
    actions: {
      openWindow: () => windows.show(),
      pauseDelivery: () => void changeDelivery(agent, 'pause'),
      resumeDelivery: () => void changeDelivery(agent, 'resume'),
      openRequestFolder: () => {
        const folder = agent.config.folders[0];
        if (folder) void shell.openPath(folder.path);
      },
      exportDiagnostics: () => void exportDiagnostics(agent, windows.current()),
      quit: () => app.quit(),
    },
  });
  owned.add(toDisposable(() => tray.close()));
  owned.add(
    health.onDidChange((next) => {
      tray.setHealth(next);
      tray.setPaused(health.isPaused());
    }),
  );
  owned.add(agent.bus.onDid('delivery.paused', () => tray.setPaused(health.isPaused())));
  owned.add(agent.bus.onDid('delivery.resumed', () => tray.setPaused(health.isPaused())));
  return tray;
}

/** Pauses or resumes delivery through the agent's own API, as the window does. */
async function changeDelivery(agent: ShellAgent, command: 'pause' | 'resume'): Promise<void> {
  const response = await fetch(`${agent.feed.url}/api/${command}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agent.feed.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ folderId: null }),
  });
  if (!response.ok) {
    agent.logger.warn({ status: response.status, command }, 'The tray could not change delivery');
  }
}

/** Notifications, the login item and updates, as the config asks. */
function startDesktopServices(
  agent: ShellAgent,
  windows: MainWindowControl,
  owned: DisposableStore,
  tray: TrayIcon,
): void {
  const responses: ResponsesNotifier = owned.add(
    new ResponsesNotifier({
      bus: agent.bus,
      clock: systemClock,
      notifier: new ElectronNotifier(() => {
        windows.show();
        responses.markSeen();
      }),
      isEnabled: () => agent.config.desktop.notifications,
    }),
  );
  owned.add(responses.onDidChangeUnseenCount((count) => tray.setReadyResponseCount(count)));
  owned.add(
    new AttentionNotifier({
      bus: agent.bus,
      clock: systemClock,
      notifier: new ElectronNotifier(() => windows.show()),
      isEnabled: () => agent.config.desktop.notifications,
      describeItem: (itemId) => agent.store.getItem(itemId)?.relativePath,
    }),
  );
  applyLoginItem(agent.config);
  owned.add(
    startAutoUpdate({
      isPackaged: app.isPackaged,
      isEnabled: agent.config.desktop.autoUpdate,
      resourcesPath: process.resourcesPath,
      logger: agent.logger,
    }),
  );
}

/** How the app ends: by Quit (tray, menu, OS), or by the end of the session. */
interface ShellQuit {
  isQuitting(): boolean;
  /** Closes the shell's parts and the agent (with `reason`), once. */
  quit(reason?: string): Promise<void>;
  /** Closes everything, then quits at once. */
  endSession(reason: string): void;
}

/**
 * Quit (tray, menu, OS) first closes the shell's parts and the agent, then lets Electron quit;
 * the end of the session does the same.
 */
function handleQuit(agent: ShellAgent, owned: DisposableStore): ShellQuit {
  let isQuitting = false;
  let quitting: Promise<void> | undefined;
  let hasClosedAgent = false;
  const quit = (reason = 'quit') => {
    isQuitting = true;
    quitting ??= (async () => {
      try {
        await owned.close();
      } finally {
        await agent.close(reason);
        hasClosedAgent = true;
      }
    })();
    return quitting;
  };
  const endSession = (reason: string) => void quit(reason).finally(() => app.quit());
  app.on('before-quit', (event) => {
    if (hasClosedAgent) return;
    event.preventDefault();
    void quit().finally(() => app.quit());
  });
  // Linux and macOS: delay the shutdown (Electron asks the system to wait) until the agent has
  // closed, then quit at once, as Electron's powerMonitor 'shutdown' documentation asks.
  const onShutdown = (event?: { preventDefault(): void }) => {
    event?.preventDefault();
    endSession('shutdown');
  };
  powerMonitor.on('shutdown', onShutdown);
  owned.add(toDisposable(() => void powerMonitor.off('shutdown', onShutdown)));
  return { isQuitting: () => isQuitting, quit, endSession };
}

/** Shows a watched folder's file in the file manager; false when it is not in a watched folder. */
function revealItem(config: Config, location: ItemLocation): boolean {
  const folder = config.folders.find((candidate) => candidate.id === location.folderId);
  if (!folder) return false;
  const target = path.resolve(folder.path, ...location.path.split('/'));
  const relative = path.relative(folder.path, target);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
  if (fs.existsSync(target)) {
    shell.showItemInFolder(target);
    return true;
  }
  if (!fs.existsSync(folder.path)) return false;
  void shell.openPath(folder.path);
  return true;
}

/** Asks where to save, writes the diagnostics bundle there and shows it. */
async function exportDiagnostics(
  agent: ShellAgent,
  window: BrowserWindow | undefined,
): Promise<{ file: string } | null> {
  const stamp = new Date().toISOString().slice(0, 10);
  const saveOptions = {
    title: 'Export diagnostics',
    defaultPath: path.join(
      app.getPath('desktop') || os.homedir(),
      `sitedrop-diagnostics-${stamp}.zip`,
    ),
    filters: [{ name: 'Zip archive', extensions: ['zip'] }],
  };
  const choice = window
    ? await dialog.showSaveDialog(window, saveOptions)
    : await dialog.showSaveDialog(saveOptions);
  if (choice.canceled || !choice.filePath) return null;
  const bundle = await writeDiagnosticsBundle({
    dataDir: agent.dataDir,
    outputFile: choice.filePath,
    configPath: agent.configPath,
    policyPath: defaultPolicyPath(),
    secretStore: agent.secretStore,
    knownSecrets: [agent.feed.token],
    reports: [
      {
        name: 'status.json',
        text: JSON.stringify({ counts: agent.store.countsByState() }, null, 2),
      },
    ],
    createdAt: Date.now(),
  });
  shell.showItemInFolder(bundle.file);
  return { file: bundle.file };
}
