// Entra's delegated protocol at the wire, as Microsoft documents it: the authorize request's
// checks and answers, the code redemption's PKCE, single use and expiry, and the device code
// grant's errors. msal-node's own use of these is in sign-in-msal.test.ts.

import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  DEMO_USER_PRINCIPAL_NAME,
} from '../../../../../tools/graph-emulator/index.ts';
import { FormBrowser, readForms, signInThroughPages } from '../form-browser.ts';
import type { BrowserPage } from '../form-browser.ts';
import { startTestEmulator } from '../emulator-client.ts';
import { useSharedEmulator } from './shared-emulator.ts';

const CONSENTING_CLIENT_ID = '7a0c2d4e-0000-4000-8000-00000000c0de';
const SINGLE_TENANT_CLIENT_ID = '8b1d3e5f-0000-4000-8000-00000000beef';
const REDIRECT_URI = 'http://localhost:53123';
const shared = useSharedEmulator({
  clients: [
    {
      clientId: DEMO_CLIENT_ID,
      tenantId: DEMO_TENANT_ID,
      secret: DEMO_CLIENT_SECRET,
      signInAudience: 'AzureADMultipleOrgs',
      publicClientRedirectUris: ['http://localhost'],
      isPublicClientFlowAllowed: true,
    },
    {
      clientId: CONSENTING_CLIENT_ID,
      tenantId: DEMO_TENANT_ID,
      signInAudience: 'AzureADMultipleOrgs',
      publicClientRedirectUris: ['http://localhost'],
      hasAdminConsent: false,
    },
    {
      clientId: SINGLE_TENANT_CLIENT_ID,
      tenantId: DEMO_TENANT_ID,
      publicClientRedirectUris: ['http://localhost'],
    },
  ],
  signIn: { deviceCodeLifetimeSeconds: 2 },
});

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(
  authorityHost: string,
  parameters: Record<string, string>,
  tenant = 'organizations',
): string {
  const url = new URL(`${authorityHost}/${tenant}/oauth2/v2.0/authorize`);
  const defaults = {
    client_id: DEMO_CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    response_mode: 'form_post',
    scope: 'Files.ReadWrite.All openid profile offline_access',
    state: 'state-1',
  };
  for (const [key, value] of Object.entries({ ...defaults, ...parameters }))
    url.searchParams.set(key, value);
  return url.toString();
}

/** The fields the answer page would post to the app. */
function answerFields(page: BrowserPage): Record<string, string> {
  const [form] = readForms(page);
  if (!form || form.action !== `${REDIRECT_URI}/`)
    throw new Error(`not an answer to the app: ${page.status} ${page.html.slice(0, 400)}`);
  return form.fields;
}

function tokenRequest(
  form: Record<string, string>,
  authorityHost = shared.test.emulator.authorityHost,
  tenant = 'organizations',
) {
  return shared.test.call(`${authorityHost}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    auth: false,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: DEMO_CLIENT_ID, client_info: '1', ...form }).toString(),
  });
}

async function codeFor(challenge: string): Promise<string> {
  const browser = new FormBrowser(shared.test.agent);
  const page = await signInThroughPages(
    browser,
    authorizeUrl(shared.test.emulator.authorityHost, {
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }),
    DEMO_USER_PRINCIPAL_NAME,
  );
  return answerFields(page)['code'] ?? '';
}

describe('authorize endpoint (v2-oauth2-auth-code-flow.md)', () => {
  it('v2-oauth2-auth-code-flow.md (Successful response): the answer posts code, the state verbatim and client_info to the redirect URI', async () => {
    const fields = answerFields(
      await signInThroughPages(
        new FormBrowser(shared.test.agent),
        authorizeUrl(shared.test.emulator.authorityHost, {}),
        DEMO_USER_PRINCIPAL_NAME,
      ),
    );
    expect(fields).toMatchObject({ state: 'state-1' });
    expect(fields['code']).toMatch(/\S{20,}/);
    expect(
      JSON.parse(Buffer.from(fields['client_info'] ?? '', 'base64url').toString()),
    ).toMatchObject({ utid: DEMO_TENANT_ID });
  });

  it('reply-url.md (Localhost exceptions): an unregistered redirect URI is refused in the browser with AADSTS50011, never sent to', async () => {
    const browser = new FormBrowser(shared.test.agent);
    for (const redirectUri of [
      'http://evil.example:8080',
      'http://127.0.0.1:53123',
      'https://localhost:53123',
    ]) {
      const page = await browser.open(
        authorizeUrl(shared.test.emulator.authorityHost, { redirect_uri: redirectUri }),
      );
      expect(page.status).toBe(400);
      expect(page.html).toContain('AADSTS50011');
      expect(readForms(page)).toEqual([]);
    }
  });

  it('reference-error-codes.md (AADSTS50194): a single-tenant app cannot sign in through /organizations', async () => {
    const page = await new FormBrowser(shared.test.agent).open(
      authorizeUrl(shared.test.emulator.authorityHost, { client_id: SINGLE_TENANT_CLIENT_ID }),
    );
    expect(page.status).toBe(400);
    expect(page.html).toContain('AADSTS50194');
    const tenantPage = await new FormBrowser(shared.test.agent).open(
      authorizeUrl(
        shared.test.emulator.authorityHost,
        { client_id: SINGLE_TENANT_CLIENT_ID },
        DEMO_TENANT_ID,
      ),
    );
    expect(readForms(tenantPage).some((form) => form.html.includes(DEMO_USER_PRINCIPAL_NAME))).toBe(
      true,
    );
  });

  it('v2-oauth2-auth-code-flow.md (prompt=none): without a session the app gets login_required (AADSTS50058); after sign-in, a code without a page', async () => {
    const browser = new FormBrowser(shared.test.agent);
    const silent = authorizeUrl(shared.test.emulator.authorityHost, { prompt: 'none' });
    const refused = answerFields(await browser.open(silent));
    expect(refused).toMatchObject({ error: 'login_required', state: 'state-1' });
    expect(refused['error_description']).toMatch(
      /^AADSTS50058: .*\r\nTrace ID: .+\r\nCorrelation ID: .+\r\nTimestamp: .+Z$/s,
    );
    await signInThroughPages(
      browser,
      authorizeUrl(shared.test.emulator.authorityHost, {}),
      DEMO_USER_PRINCIPAL_NAME,
    );
    expect(answerFields(await browser.open(silent))['code']).toBeDefined();
  });

  it('v2-oauth2-auth-code-flow.md (prompt=select_account): the account page is shown even with a session', async () => {
    const browser = new FormBrowser(shared.test.agent);
    await signInThroughPages(
      browser,
      authorizeUrl(shared.test.emulator.authorityHost, {}),
      DEMO_USER_PRINCIPAL_NAME,
    );
    const page = await browser.open(
      authorizeUrl(shared.test.emulator.authorityHost, { prompt: 'select_account' }),
    );
    expect(
      readForms(page).filter((form) => form.html.includes('data-user=')).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('v2-permissions-and-consent.md: without admin consent the user is asked; Cancel sends access_denied (AADSTS65004), prompt=none consent_required (AADSTS65001)', async () => {
    const browser = new FormBrowser(shared.test.agent);
    const url = authorizeUrl(shared.test.emulator.authorityHost, {
      client_id: CONSENTING_CLIENT_ID,
    });
    const cancelled = answerFields(
      await signInThroughPages(browser, url, DEMO_USER_PRINCIPAL_NAME, 'cancel'),
    );
    expect(cancelled).toMatchObject({ error: 'access_denied', state: 'state-1' });
    expect(cancelled['error_description']).toMatch(/^AADSTS65004: /);
    const silent = answerFields(
      await browser.open(
        authorizeUrl(shared.test.emulator.authorityHost, {
          client_id: CONSENTING_CLIENT_ID,
          prompt: 'none',
        }),
      ),
    );
    expect(silent).toMatchObject({ error: 'consent_required' });
    expect(silent['error_description']).toMatch(/^AADSTS65001: /);
    const accepted = answerFields(
      await signInThroughPages(
        browser,
        authorizeUrl(shared.test.emulator.authorityHost, {
          client_id: CONSENTING_CLIENT_ID,
          prompt: 'login',
        }),
        DEMO_USER_PRINCIPAL_NAME,
      ),
    );
    expect(accepted['code']).toBeDefined();
  });
});

describe('token endpoint, authorization_code (v2-oauth2-auth-code-flow.md)', () => {
  it('v2-oauth2-auth-code-flow.md (PKCE): a code_verifier that does not match the challenge is refused with invalid_grant AADSTS501481', async () => {
    const { challenge } = pkce();
    const code = await codeFor(challenge);
    const response = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkce().verifier,
      scope: 'Files.ReadWrite.All openid profile offline_access',
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
  });

  it('reference-error-codes.md (AADSTS54005): a code is redeemed once; the second time is invalid_grant', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      scope: 'Files.ReadWrite.All openid profile offline_access',
    };
    const first = await tokenRequest(form);
    expect(first.status).toBe(200);
    const body = first.json();
    expect(body).toMatchObject({
      token_type: 'Bearer',
      scope: 'Files.ReadWrite.All Sites.ReadWrite.All User.Read profile openid email',
      expires_in: 3599,
      ext_expires_in: 3599,
    });
    for (const field of ['access_token', 'refresh_token', 'id_token', 'client_info'])
      expect(typeof body[field]).toBe('string');
    const again = await tokenRequest(form);
    expect(again.status).toBe(400);
    expect(again.json()).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
  });

  it('v2-oauth2-auth-code-flow.md (Error response): errors carry error_codes, timestamp, trace_id and correlation_id', async () => {
    const response = await tokenRequest({
      grant_type: 'authorization_code',
      code: 'not-a-code',
      redirect_uri: REDIRECT_URI,
    });
    const body = response.json<Record<string, unknown>>();
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [70000] });
    for (const field of ['timestamp', 'trace_id', 'correlation_id'])
      expect(typeof body[field]).toBe('string');
  });

  it('v2-oauth2-auth-code-flow.md: a public client that sends a client_secret is refused with AADSTS700025', async () => {
    const response = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_secret: 'anything',
    });
    expect(response.json()).toMatchObject({ error: 'invalid_client', error_codes: [700025] });
  });

  it('reference-error-codes.md (AADSTS70008): a code past its lifetime is refused', async () => {
    const test = await startTestEmulator({ signIn: { authorizationCodeLifetimeSeconds: 1 } });
    try {
      const { verifier, challenge } = pkce();
      const page = await signInThroughPages(
        new FormBrowser(test.agent),
        authorizeUrl(test.emulator.authorityHost, {
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
        DEMO_USER_PRINCIPAL_NAME,
      );
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const response = await test.call(
        `${test.emulator.authorityHost}/organizations/oauth2/v2.0/token`,
        {
          method: 'POST',
          auth: false,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_id: DEMO_CLIENT_ID,
            grant_type: 'authorization_code',
            code: answerFields(page)['code'] ?? '',
            redirect_uri: REDIRECT_URI,
            code_verifier: verifier,
          }).toString(),
        },
      );
      expect(response.json()).toMatchObject({ error: 'invalid_grant', error_codes: [70008] });
    } finally {
      await test.close();
    }
  });
});

describe('device code grant (v2-oauth2-device-code.md)', () => {
  async function startDevice(): Promise<Record<string, unknown>> {
    const response = await shared.test.call(
      `${shared.test.emulator.authorityHost}/organizations/oauth2/v2.0/devicecode`,
      {
        method: 'POST',
        auth: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: DEMO_CLIENT_ID,
          scope: 'Files.ReadWrite.All openid profile offline_access',
        }).toString(),
      },
    );
    expect(response.status).toBe(200);
    return response.json();
  }

  it("v2-oauth2-device-code.md (Device authorization response): user_code, device_code, the emulator's /devicelogin, expires_in, interval and message", async () => {
    const device = await startDevice();
    expect(device).toMatchObject({
      verification_uri: `${shared.test.emulator.authorityHost}/devicelogin`,
      expires_in: 2,
      interval: 5,
    });
    expect(device['message']).toBe(
      `To sign in, use a web browser to open the page ${shared.test.emulator.authorityHost}/devicelogin and enter the code ${String(device['user_code'])} to authenticate.`,
    );
  });

  it('v2-oauth2-device-code.md (Expected errors): pending is authorization_pending (70016); both grant_type spellings are accepted; an unknown code is bad_verification_code', async () => {
    const device = await startDevice();
    for (const grantType of ['urn:ietf:params:oauth:grant-type:device_code', 'device_code']) {
      const response = await tokenRequest({
        grant_type: grantType,
        device_code: String(device['device_code']),
      });
      expect(response.json()).toMatchObject({
        error: 'authorization_pending',
        error_codes: [70016],
      });
    }
    const unknown = await tokenRequest({ grant_type: 'device_code', device_code: 'nope' });
    expect(unknown.json()).toMatchObject({ error: 'bad_verification_code' });
  });

  it('v2-oauth2-device-code.md (Expected errors): past expires_in the answer is expired_token (70019) and the user code no longer works', async () => {
    const device = await startDevice();
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const response = await tokenRequest({
      grant_type: 'device_code',
      device_code: String(device['device_code']),
    });
    expect(response.json()).toMatchObject({ error: 'expired_token', error_codes: [70019] });
    const page = await shared.test.call('/devicelogin', {
      method: 'POST',
      auth: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        user_code: String(device['user_code']),
        action: 'approve',
      }).toString(),
    });
    expect(page.status).toBe(400);
  });

  it('scenario-desktop-app-registration.md (Allow public client flows): an app without it is refused at the token endpoint (AADSTS7000218)', async () => {
    const response = await tokenRequest({
      client_id: CONSENTING_CLIENT_ID,
      grant_type: 'device_code',
      device_code: 'x',
    });
    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000218] });
  });

  it('/devicelogin is a plain HTML form with user_code, a user choice and approve/deny', async () => {
    const page = await new FormBrowser(shared.test.agent).open(
      `${shared.test.emulator.authorityHost}/devicelogin`,
    );
    const [form] = readForms(page);
    expect(form?.method).toBe('POST');
    expect(form?.html).toContain('name="user_code"');
    expect(form?.html).toContain('name="user"');
    expect(form?.html).toContain('value="approve"');
    expect(form?.html).toContain('value="deny"');
  });
});

describe('discovery for delegated authorities', () => {
  it('the /organizations OpenID document names endpoints under /organizations and the {tenantid} issuer, as Entra publishes', async () => {
    const response = await shared.test.call(
      `${shared.test.emulator.authorityHost}/organizations/v2.0/.well-known/openid-configuration`,
      { auth: false },
    );
    expect(response.json()).toMatchObject({
      authorization_endpoint: `${shared.test.emulator.authorityHost}/organizations/oauth2/v2.0/authorize`,
      token_endpoint: `${shared.test.emulator.authorityHost}/organizations/oauth2/v2.0/token`,
      device_authorization_endpoint: `${shared.test.emulator.authorityHost}/organizations/oauth2/v2.0/devicecode`,
      issuer: `${shared.test.emulator.authorityHost}/{tenantid}/v2.0`,
    });
  });
});
