// The HTML pages of the emulated sign-in: account picker, consent, the auto-submitting form_post
// answer, the device login form and error pages. Plain forms, so that a browser, Playwright or a
// test's plain HTTP POST can complete them alike.

import type { ServerResponse } from 'node:http';
import type { DirectoryUser } from './users.ts';

/** Escape text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function hiddenFields(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('');
}

function page(title: string, body: string, extraHead = ''): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${extraHead}<style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto}button{display:block;width:100%;margin:.4rem 0;padding:.6rem;text-align:left}</style></head><body>${body}</body></html>`;
}

/** Send an HTML page. */
export function sendHtml(
  response: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string | string[]> = {},
): void {
  const bytes = Buffer.from(html);
  response.writeHead(status, {
    ...headers,
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(bytes.length),
    'cache-control': 'no-store, no-cache',
  });
  response.end(bytes);
}

/** "Pick an account": one form per user, each posting to `action` with the flow id. */
export function accountPickerPage(
  action: string,
  flow: string,
  appName: string,
  users: readonly DirectoryUser[],
): string {
  const choices = users
    .map(
      (user) =>
        `<form method="post" action="${escapeHtml(action)}">${hiddenFields({ flow, login: user.userPrincipalName })}<button type="submit" data-user="${escapeHtml(user.userPrincipalName)}">${escapeHtml(user.displayName)} <small>${escapeHtml(user.userPrincipalName)}</small></button></form>`,
    )
    .join('');
  return page(
    'Sign in to your account',
    `<h1>Pick an account</h1><p>to continue to ${escapeHtml(appName)}</p>${choices}`,
  );
}

/** "Permissions requested": Accept or Cancel. */
export function consentPage(
  action: string,
  flow: string,
  appName: string,
  user: DirectoryUser,
  permissions: readonly string[],
): string {
  const list = permissions.map((name) => `<li>${escapeHtml(name)}</li>`).join('');
  return page(
    'Permissions requested',
    `<h1>Permissions requested</h1><p>${escapeHtml(user.userPrincipalName)}</p><p>${escapeHtml(appName)} would like to:</p><ul>${list}</ul><form method="post" action="${escapeHtml(action)}">${hiddenFields({ flow })}<button type="submit" name="action" value="accept">Accept</button><button type="submit" name="action" value="cancel">Cancel</button></form>`,
  );
}

/** The answer to the app: a form that posts itself to the redirect URI (response_mode=form_post). */
export function formPostPage(
  redirectUri: string,
  fields: Readonly<Record<string, string>>,
): string {
  return page(
    'Working...',
    `<form method="post" action="${escapeHtml(redirectUri)}">${hiddenFields(fields)}<noscript><p>Script is disabled. Click Submit to continue.</p><button type="submit">Submit</button></noscript></form><script>document.forms[0].submit();</script>`,
  );
}

/** An error shown in the browser instead of being sent to the app (unknown app, wrong redirect URI). */
export function errorPage(description: string): string {
  return page(
    'Sign in to your account',
    `<h1>Sorry, but we’re having trouble signing you in.</h1><p id="error">${escapeHtml(description)}</p>`,
  );
}

/** The device login form: a code, a user, Approve or Deny. */
export function deviceLoginPage(
  action: string,
  users: readonly DirectoryUser[],
  message?: string,
): string {
  const options = users
    .map(
      (user, index) =>
        `<label><input type="radio" name="user" value="${escapeHtml(user.userPrincipalName)}"${index === 0 ? ' checked' : ''}> ${escapeHtml(user.displayName)} (${escapeHtml(user.userPrincipalName)})</label><br>`,
    )
    .join('');
  const notice = message === undefined ? '' : `<p id="message">${escapeHtml(message)}</p>`;
  return page(
    'Enter code',
    `<h1>Enter code</h1>${notice}<form method="post" action="${escapeHtml(action)}"><p><label>Code <input name="user_code" autocomplete="off" autofocus></label></p><fieldset><legend>Sign in as</legend>${options}</fieldset><button type="submit" name="action" value="approve">Approve</button><button type="submit" name="action" value="deny">Deny</button></form>`,
  );
}

/** The device login page's last word. */
export function deviceDonePage(text: string): string {
  return page('Device login', `<h1>${escapeHtml(text)}</h1><p>You can close this window.</p>`);
}
