// A minimal browser for the emulator's sign-in pages: it keeps cookies, reads the HTML forms a
// page holds and submits one as a browser would (hidden inputs, the pressed button's
// name=value, application/x-www-form-urlencoded), over HTTPS to the emulator or plain HTTP to
// msal's loopback. Enough for forms without script, and the auto-submit form is a plain form.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Agent } from 'node:https';

/** A page as fetched. */
export interface BrowserPage {
  readonly url: string;
  readonly status: number;
  readonly location: string | undefined;
  readonly html: string;
}

/** One `<form>` of a page. */
export interface PageForm {
  readonly action: string;
  readonly method: string;
  /** The form's own HTML, to pick a form by what it shows. */
  readonly html: string;
  readonly fields: Record<string, string>;
}

function decodeEntities(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match?.[1] === undefined ? undefined : decodeEntities(match[1]);
}

/** The forms of a page, with their hidden and text inputs' values. */
export function readForms(page: BrowserPage): PageForm[] {
  return [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map((match) => {
    const [, tag = '', body = ''] = match;
    const fields: Record<string, string> = {};
    for (const input of body.matchAll(/<input\b[^>]*>/g)) {
      const name = attribute(input[0], 'name');
      const type = attribute(input[0], 'type') ?? 'text';
      if (name === undefined || (type === 'radio' && !/\schecked/.test(input[0]))) continue;
      fields[name] = attribute(input[0], 'value') ?? '';
    }
    return {
      action: new URL(attribute(tag, 'action') ?? page.url, page.url).toString(),
      method: (attribute(tag, 'method') ?? 'get').toUpperCase(),
      html: body,
      fields,
    };
  });
}

/** Cookies and requests of one browser profile. */
export class FormBrowser {
  readonly #agent: Agent;
  readonly #cookies = new Map<string, string>();

  constructor(agent: Agent) {
    this.#agent = agent;
  }

  /** GET a page. */
  open(url: string): Promise<BrowserPage> {
    return this.#send(url, 'GET');
  }

  /** Submit `form` with its fields, `extra` on top (a pressed button's name and value). */
  submit(form: PageForm, extra: Record<string, string> = {}): Promise<BrowserPage> {
    return this.#send(
      form.action,
      form.method,
      new URLSearchParams({ ...form.fields, ...extra }).toString(),
    );
  }

  #send(url: string, method: string, body?: string): Promise<BrowserPage> {
    const target = new URL(url);
    const headers: Record<string, string> = {};
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookie !== '' && target.protocol === 'https:') headers['cookie'] = cookie;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = send(
        target,
        { method, headers, ...(target.protocol === 'https:' ? { agent: this.#agent } : {}) },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            for (const line of incoming.headers['set-cookie'] ?? []) {
              const [pair = ''] = line.split(';');
              const [name = '', ...value] = pair.split('=');
              this.#cookies.set(name.trim(), value.join('='));
            }
            resolve({
              url,
              status: incoming.statusCode ?? 0,
              location: incoming.headers.location,
              html: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

/**
 * Sign in as `userPrincipalName` from the authorize URL: open it, choose the account, press
 * `consent` on a consent page if one comes, and return the page that answers the app (the
 * auto-submitting form_post page, or a redirect).
 */
export async function signInThroughPages(
  browser: FormBrowser,
  authorizeUrl: string,
  userPrincipalName: string,
  consent: 'accept' | 'cancel' = 'accept',
): Promise<BrowserPage> {
  let page = await browser.open(authorizeUrl);
  const account = readForms(page).find((form) =>
    form.html.includes(`data-user="${userPrincipalName}"`),
  );
  if (account) page = await browser.submit(account);
  const consentForm = readForms(page).find((form) => form.html.includes('value="accept"'));
  if (consentForm) page = await browser.submit(consentForm, { action: consent });
  return page;
}
