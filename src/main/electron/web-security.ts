/**
 * The window's security rules, in one place: the Content-Security-Policy, navigation and
 * window.open refused, permissions denied (Electron's security checklist,
 * https://www.electronjs.org/docs/latest/tutorial/security).
 *
 * The window shows the agent's own page (the feed's origin, http://127.0.0.1:PORT) and nothing
 * else. The one way out is a link to the configured SharePoint host, which opens in the
 * system browser, never in the app.
 */
import type { Session, WebContents } from 'electron';

/** What the rules need to know. */
export interface WebSecurityOptions {
  /** The app's own origin: the feed, e.g. http://127.0.0.1:47821. */
  appOrigin: string;
  /** Host names whose https links may open in the system browser (the configured SharePoint). */
  sharePointHosts(): readonly string[];
  /** Opens a URL in the system browser (shell.openExternal). */
  openExternal(url: string): void;
}

/**
 * The strict CSP for the app's pages: only the app's own scripts, styles, images and fonts;
 * connections only to itself (HTTP and the feed's WebSocket); no plugins, frames, forms or
 * base-URL tricks.
 */
export function contentSecurityPolicy(appOrigin: string): string {
  const webSocketOrigin = appOrigin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${webSocketOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Whether a URL is an https link on one of the allowed SharePoint hosts (no credentials). */
export function isSharePointLink(url: string, hosts: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    hosts.some((host) => host.toLowerCase() === parsed.hostname.toLowerCase())
  );
}

/** The SharePoint host of a configured site URL, or none. */
export function sharePointHostsOf(siteUrl: string | undefined): string[] {
  if (!siteUrl) return [];
  try {
    return [new URL(siteUrl).hostname];
  } catch {
    return [];
  }
}

/**
 * Sets the CSP on every response the session receives and denies every permission request
 * and check (camera, notifications from the page, geolocation, clipboard, …): the page needs
 * none; the shell shows notifications itself.
 */
export function secureSession(session: Session, options: Pick<WebSecurityOptions, 'appOrigin'>) {
  const policy = contentSecurityPolicy(options.appOrigin);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(
        ([name]) => name.toLowerCase() !== 'content-security-policy',
      ),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [policy] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/**
 * Keeps a window on the app's origin: navigation elsewhere is prevented, window.open is
 * denied, and SharePoint links go to the system browser instead; webviews are refused.
 */
export function secureWebContents(contents: WebContents, options: WebSecurityOptions): void {
  const leaveForBrowser = (url: string) => {
    if (isSharePointLink(url, options.sharePointHosts())) options.openExternal(url);
  };
  const guardNavigation = (event: { preventDefault(): void }, url: string) => {
    if (originOf(url) === options.appOrigin) return;
    event.preventDefault();
    leaveForBrowser(url);
  };
  contents.on('will-navigate', (event, url) => guardNavigation(event, url));
  contents.on('will-redirect', (event, url) => guardNavigation(event, url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    leaveForBrowser(url);
    return { action: 'deny' };
  });
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
