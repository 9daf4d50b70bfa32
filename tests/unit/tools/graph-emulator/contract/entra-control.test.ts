// The control calls a harness uses on the emulated directory over HTTP (docs/graph-emulator.md,
// "Control API"), and the browser-session rules they interact with: add a user, revoke a user's
// sign-in sessions (graph user-revokesigninsessions.md), expire access tokens.

import { describe, expect, it } from 'vitest';
import {
  DEMO_CLIENT_ID,
  DEMO_USER_PRINCIPAL_NAME,
  OUTSIDER_USER_PRINCIPAL_NAME,
} from '../../../../../tools/graph-emulator/index.ts';
import { delegatedToken } from '../delegated-token.ts';
import { FormBrowser, readForms, signInThroughPages } from '../form-browser.ts';
import { useSharedEmulator } from './shared-emulator.ts';

const shared = useSharedEmulator();
const REDIRECT_URI = 'http://localhost:50505';

function control(path: string, body: object = {}) {
  return shared.test.call(`/_emulator/${path}`, {
    method: 'POST',
    auth: false,
    headers: {
      'x-emulator-control-token': shared.test.emulator.controlToken,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
}

function authorizeUrl(prompt?: string): string {
  const url = new URL(`${shared.test.emulator.authorityHost}/organizations/oauth2/v2.0/authorize`);
  url.search = new URLSearchParams({
    client_id: DEMO_CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    response_mode: 'form_post',
    scope: 'Files.ReadWrite.All openid offline_access',
    state: 's',
    ...(prompt === undefined ? {} : { prompt }),
  }).toString();
  return url.toString();
}

async function answer(browser: FormBrowser, url: string): Promise<Record<string, string>> {
  const [form] = readForms(await browser.open(url));
  return form?.action === `${REDIRECT_URI}/` ? form.fields : {};
}

describe('control API for the emulated directory', () => {
  it('POST /_emulator/users adds a user who can then sign in; a taken name is 400', async () => {
    const user = { userPrincipalName: 'new.hire@contoso.example', displayName: 'New Hire' };
    const added = await control('users', user);
    expect(added.status).toBe(201);
    expect(added.json()).toMatchObject(user);
    expect((await control('users', user)).status).toBe(400);
    const token = await delegatedToken(shared.test, user.userPrincipalName);
    const me = await shared.test.call('/v1.0/me', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.json()).toMatchObject({ userPrincipalName: user.userPrincipalName });
  });

  it("POST /_emulator/access-tokens/expire makes that user's tokens fail at Graph with 401, others keep working", async () => {
    const dana = await delegatedToken(shared.test, DEMO_USER_PRINCIPAL_NAME);
    const sam = await delegatedToken(shared.test, OUTSIDER_USER_PRINCIPAL_NAME);
    const expired = await control('access-tokens/expire', {
      userPrincipalName: DEMO_USER_PRINCIPAL_NAME,
    });
    expect(expired.json<{ expired: number }>().expired).toBeGreaterThanOrEqual(1);
    const me = (token: string) =>
      shared.test.call('/v1.0/me', { headers: { authorization: `Bearer ${token}` } });
    const refused = await me(dana);
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    expect((await me(sam)).status).toBe(200);
  });

  it('user-revokesigninsessions.md: revoking sign-in sessions ends the browser session (prompt=none → login_required) until the user signs in again', async () => {
    const browser = new FormBrowser(shared.test.agent);
    await signInThroughPages(browser, authorizeUrl(), OUTSIDER_USER_PRINCIPAL_NAME);
    expect((await answer(browser, authorizeUrl('none')))['code']).toBeDefined();
    const revoked = await control(
      `users/${encodeURIComponent(OUTSIDER_USER_PRINCIPAL_NAME)}/revokeSignInSessions`,
    );
    expect(revoked.status).toBe(204);
    expect(await answer(browser, authorizeUrl('none'))).toMatchObject({ error: 'login_required' });
    await signInThroughPages(browser, authorizeUrl(), OUTSIDER_USER_PRINCIPAL_NAME);
    expect((await answer(browser, authorizeUrl('none')))['code']).toBeDefined();
  });

  it('v2-oauth2-auth-code-flow.md (prompt=none): with two accounts signed in and no login_hint the app gets interaction_required', async () => {
    const browser = new FormBrowser(shared.test.agent);
    await signInThroughPages(browser, authorizeUrl(), DEMO_USER_PRINCIPAL_NAME);
    await signInThroughPages(browser, authorizeUrl('select_account'), OUTSIDER_USER_PRINCIPAL_NAME);
    const silent = await answer(browser, authorizeUrl('none'));
    expect(silent).toMatchObject({ error: 'interaction_required' });
    expect(silent['error_description']).toMatch(/^AADSTS16000: /);
    const hinted = await answer(
      browser,
      `${authorizeUrl('none')}&login_hint=${encodeURIComponent(DEMO_USER_PRINCIPAL_NAME)}`,
    );
    expect(hinted['code']).toBeDefined();
  });

  it('the control calls need the control token', async () => {
    const response = await shared.test.call('/_emulator/users', { auth: false });
    expect(response.status).toBe(401);
  });
});
