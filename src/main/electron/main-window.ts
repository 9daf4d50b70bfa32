/**
 * The SiteDrop window: the renderer served by the agent's feed, locked down (docs/deployment.md,
 * "The desktop app's security").
 *
 * Closing the window hides it: the agent keeps running in the tray until the person chooses
 * Quit (or the OS ends the session).
 */
import { BrowserWindow } from 'electron';
import { secureWebContents, type WebSecurityOptions } from './web-security.ts';

/** What the window needs. */
export interface MainWindowOptions extends WebSecurityOptions {
  /** The dashboard page: the feed's URL, with the token in its fragment. */
  dashboardUrl: string;
  /** The compiled preload script (preload.cjs). */
  preloadPath: string;
  /** Whether the app is quitting: then a close really closes. */
  isQuitting(): boolean;
  /** Allow the developer tools (unpackaged builds only). */
  canOpenDevTools: boolean;
  /** Show the window once its page is ready (default true); false keeps it in the tray. */
  isShownWhenReady?: boolean;
}

/**
 * The window's web preferences: an isolated, sandboxed renderer without Node, with web
 * security on (Electron's security checklist, items 2 to 6).
 */
export function mainWindowWebPreferences(
  options: Pick<MainWindowOptions, 'preloadPath' | 'canOpenDevTools'>,
) {
  return {
    preload: options.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: options.canOpenDevTools,
  } as const;
}

/** Creates the window, hidden until its page is ready; it loads the dashboard. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'SiteDrop',
    autoHideMenuBar: true,
    webPreferences: mainWindowWebPreferences(options),
  });
  secureWebContents(window.webContents, options);
  if (options.isShownWhenReady ?? true) window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    window.hide();
  });
  void window.loadURL(options.dashboardUrl);
  return window;
}

/** Brings the window to the front (restoring it when minimised or hidden). */
export function focusWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
