/**
 * A stand-in for the `electron` module, for tests/electron: electron is mocked because the
 * Electron binary cannot be downloaded on this machine. It records what the shell asks of
 * Electron (windows, handlers, tray images, notifications) so tests can check it and act as
 * Electron would (emit events, call handlers).
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** A fake event with preventDefault. */
export function fakeEvent() {
  return {
    isDefaultPrevented: false,
    preventDefault() {
      this.isDefaultPrevented = true;
    },
  };
}

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

class FakeWebContents extends EventEmitter {
  windowOpenHandler: WindowOpenHandler | undefined;
  setWindowOpenHandler(handler: WindowOpenHandler) {
    this.windowOpenHandler = handler;
  }
}

class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly options: Record<string, unknown>;
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  isShown = false;
  isClosed = false;
  focusCount = 0;
  minimized = false;

  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show() {
    this.isShown = true;
  }
  hide() {
    this.isShown = false;
  }
  focus() {
    this.focusCount += 1;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  isDestroyed() {
    return this.isClosed;
  }
  /** What clicking the window's close button does. */
  close() {
    const event = fakeEvent();
    this.emit('close', event);
    if (!event.isDefaultPrevented) {
      this.isClosed = true;
      this.isShown = false;
      this.emit('closed');
    }
  }
}

interface MenuItem {
  label?: string;
  type?: string;
  click?: () => void;
}

class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  image: { path: string };
  tooltip = '';
  menu: MenuItem[] = [];
  isGone = false;
  constructor(image: { path: string }) {
    super();
    this.image = image;
    FakeTray.instances.push(this);
  }
  setImage(image: { path: string }) {
    this.image = image;
  }
  setToolTip(tooltip: string) {
    this.tooltip = tooltip;
  }
  setContextMenu(menu: { items: MenuItem[] }) {
    this.menu = menu.items;
  }
  destroy() {
    this.isGone = true;
  }
  isDestroyed() {
    return this.isGone;
  }
  /** Clicks the menu item with this label. */
  clickMenuItem(label: string) {
    const item = this.menu.find((entry) => entry.label === label);
    if (!item?.click) throw new Error(`no menu item "${label}" in ${JSON.stringify(this.menu)}`);
    item.click();
  }
}

class FakeNotification extends EventEmitter {
  static shown: { title: string; body: string }[] = [];
  static isSupported = () => true;
  readonly options: { title: string; body: string };
  constructor(options: { title: string; body: string }) {
    super();
    this.options = options;
  }
  show() {
    FakeNotification.shown.push(this.options);
  }
}

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders: Record<string, string[]> }) => void,
) => void;

interface FakeSession {
  headersListener: HeadersListener | undefined;
  permissionRequestHandler:
    | ((contents: unknown, permission: string, callback: (isGranted: boolean) => void) => void)
    | undefined;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | undefined;
  webRequest: { onHeadersReceived(listener: HeadersListener): void };
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void;
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void;
}

const fakeSession: FakeSession = {
  headersListener: undefined as HeadersListener | undefined,
  permissionRequestHandler: undefined as
    | ((contents: unknown, permission: string, callback: (isGranted: boolean) => void) => void)
    | undefined,
  permissionCheckHandler: undefined as ((...args: unknown[]) => boolean) | undefined,
  webRequest: {
    onHeadersReceived(listener: HeadersListener) {
      fakeSession.headersListener = listener;
    },
  },
  setPermissionRequestHandler(handler) {
    fakeSession.permissionRequestHandler = handler;
  },
  setPermissionCheckHandler(handler) {
    fakeSession.permissionCheckHandler = handler;
  },
};

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

const appPaths = new Map<string, string>();
const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  hasSingleInstanceLock: true,
  requestSingleInstanceLock: vi.fn(() => app.hasSingleInstanceLock),
  quit: vi.fn(() => {
    const event = fakeEvent();
    app.emit('before-quit', event);
  }),
  exit: vi.fn(),
  whenReady: vi.fn(() => Promise.resolve()),
  getPath: (name: string) => appPaths.get(name) ?? '',
  setPath: (name: string, value: string) => void appPaths.set(name, value),
  setLoginItemSettings: vi.fn(),
  setAppUserModelId: vi.fn(),
});

/** Emits 'shutdown' (Linux, macOS) as the OS would, with a preventable event. */
const powerMonitor = new EventEmitter();

/** The fake `electron` module. */
export const fakeElectron = {
  app,
  powerMonitor,
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Menu: { buildFromTemplate: (items: MenuItem[]) => ({ items }) },
  nativeImage: { createFromPath: (file: string) => ({ path: file }) },
  Notification: FakeNotification,
  session: { defaultSession: fakeSession },
  ipcMain: {
    handlers: new Map<string, InvokeHandler>(),
    handle(channel: string, handler: InvokeHandler) {
      if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      this.handlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      this.handlers.delete(channel);
    },
  },
  safeStorage: {
    isEncryptionAvailable: vi.fn(() => true),
    getSelectedStorageBackend: vi.fn((): string => 'gnome_libsecret'),
    encryptString: (value: string) => Buffer.from(`sealed:${Buffer.from(value).toString('hex')}`),
    decryptString: (sealed: Buffer) =>
      Buffer.from(sealed.toString().replace(/^sealed:/, ''), 'hex').toString(),
  },
  shell: {
    openExternal: vi.fn(() => Promise.resolve()),
    showItemInFolder: vi.fn(),
    openPath: vi.fn(() => Promise.resolve('')),
  },
  dialog: {
    showErrorBox: vi.fn(),
    showSaveDialog: vi.fn(() => Promise.resolve({ canceled: true, filePath: '' })),
  },
};

/** Forgets everything recorded, for the next test. */
export function resetFakeElectron(): void {
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  FakeNotification.shown = [];
  app.removeAllListeners();
  powerMonitor.removeAllListeners();
  app.isPackaged = false;
  app.hasSingleInstanceLock = true;
  appPaths.clear();
  fakeSession.headersListener = undefined;
  fakeSession.permissionRequestHandler = undefined;
  fakeSession.permissionCheckHandler = undefined;
  fakeElectron.ipcMain.handlers.clear();
  fakeElectron.safeStorage.isEncryptionAvailable.mockImplementation(() => true);
  fakeElectron.safeStorage.getSelectedStorageBackend.mockImplementation(() => 'gnome_libsecret');
  vi.clearAllMocks();
}

export type { FakeBrowserWindow, FakeTray };
