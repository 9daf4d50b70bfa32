// electron is mocked because the Electron binary cannot be downloaded on this machine; the
// end-to-end tests in tests/electron/e2e/ drive the real shell where it exists.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fakeElectron,
  fakeEvent,
  resetFakeElectron,
  type FakeBrowserWindow,
} from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fakeElectron);

const { createMainWindow, mainWindowWebPreferences } =
  await import('../../src/main/electron/main-window.ts');
const { contentSecurityPolicy, isSharePointLink, secureSession } =
  await import('../../src/main/electron/web-security.ts');

const appOrigin = 'http://127.0.0.1:47821';
const sharePointHost = 'contoso.sharepoint.com';

function openWindow() {
  const openExternal = vi.fn();
  const window = createMainWindow({
    dashboardUrl: `${appOrigin}/#token=abc`,
    preloadPath: '/app/dist/main/electron/preload.cjs',
    appOrigin,
    sharePointHosts: () => [sharePointHost],
    openExternal,
    isQuitting: () => false,
    canOpenDevTools: false,
  }) as unknown as FakeBrowserWindow;
  return { window, openExternal };
}

beforeEach(() => resetFakeElectron());
afterEach(() => resetFakeElectron());

describe('the window is locked down', () => {
  it('runs the page isolated and sandboxed, without Node, with web security on', () => {
    const { window } = openWindow();
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      preload: '/app/dist/main/electron/preload.cjs',
    });
    expect(mainWindowWebPreferences({ preloadPath: 'p', canOpenDevTools: true }).devTools).toBe(
      true,
    );
    expect(window.loadedUrl).toBe(`${appOrigin}/#token=abc`);
  });

  it('refuses to navigate away from the app, and sends SharePoint links to the system browser', () => {
    const { window, openExternal } = openWindow();
    const navigate = (url: string) => {
      const event = fakeEvent();
      window.webContents.emit('will-navigate', event, url);
      return event.isDefaultPrevented;
    };
    expect(navigate(`${appOrigin}/items/4`)).toBe(false);
    expect(navigate('https://evil.example/phish')).toBe(true);
    expect(navigate('http://127.0.0.1:9999/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();
    expect(navigate(`https://${sharePointHost}/sites/Office/Shared%20Documents/a.pdf`)).toBe(true);
    expect(openExternal).toHaveBeenCalledWith(
      `https://${sharePointHost}/sites/Office/Shared%20Documents/a.pdf`,
    );

    const redirect = fakeEvent();
    window.webContents.emit('will-redirect', redirect, 'https://evil.example/');
    expect(redirect.isDefaultPrevented).toBe(true);
  });

  it('denies window.open, opening only SharePoint https links in the system browser', () => {
    const { window, openExternal } = openWindow();
    const open = (url: string) => window.webContents.windowOpenHandler?.({ url });
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(open(`http://${sharePointHost}/sites/Office`)).toEqual({ action: 'deny' });
    expect(open(`https://user:pw@${sharePointHost}/`)).toEqual({ action: 'deny' });
    expect(open(`https://${sharePointHost}.evil.example/`)).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
    expect(open(`https://${sharePointHost}/sites/Office`)).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledExactlyOnceWith(`https://${sharePointHost}/sites/Office`);
  });

  it('refuses to attach webviews', () => {
    const { window } = openWindow();
    const event = fakeEvent();
    window.webContents.emit('will-attach-webview', event);
    expect(event.isDefaultPrevented).toBe(true);
  });

  it('hides instead of closing, so the agent keeps running in the tray', () => {
    const { window } = openWindow();
    window.show();
    window.close();
    expect(window.isClosed).toBe(false);
    expect(window.isShown).toBe(false);
  });
});

describe('the session', () => {
  it('puts a strict Content-Security-Policy on every response, replacing any other', () => {
    secureSession(fakeElectron.session.defaultSession as never, { appOrigin });
    const listener = fakeElectron.session.defaultSession.headersListener;
    expect(listener).toBeDefined();
    let headers: Record<string, string[]> = {};
    listener?.(
      {
        url: `${appOrigin}/`,
        responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] },
      },
      (response) => (headers = response.responseHeaders),
    );
    expect(headers['Content-Security-Policy']).toEqual([contentSecurityPolicy(appOrigin)]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['X-Other']).toEqual(['1']);
    const policy = contentSecurityPolicy(appOrigin);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self' ws://127.0.0.1:47821");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
  });

  it('denies every permission request and check', () => {
    secureSession(fakeElectron.session.defaultSession as never, { appOrigin });
    const session = fakeElectron.session.defaultSession;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      const callback = vi.fn();
      session.permissionRequestHandler?.({}, permission, callback);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    }
    expect(session.permissionCheckHandler?.({}, 'media', appOrigin)).toBe(false);
  });
});

describe('isSharePointLink', () => {
  it('accepts only https links on the configured host', () => {
    expect(isSharePointLink(`https://${sharePointHost}/x`, [sharePointHost])).toBe(true);
    expect(isSharePointLink(`https://CONTOSO.sharepoint.com/x`, [sharePointHost])).toBe(true);
    expect(isSharePointLink('https://fabrikam.sharepoint.com/x', [sharePointHost])).toBe(false);
    expect(isSharePointLink(`javascript:alert(1)//${sharePointHost}`, [sharePointHost])).toBe(
      false,
    );
    expect(isSharePointLink('not a url', [sharePointHost])).toBe(false);
    expect(isSharePointLink(`https://${sharePointHost}/x`, [])).toBe(false);
  });
});
