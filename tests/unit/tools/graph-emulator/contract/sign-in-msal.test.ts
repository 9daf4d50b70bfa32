// Delegated sign-in against the emulator with the real msal-node PublicClientApplication: the
// system-browser flow (the test's openBrowser plays the browser and submits the pages' forms),
// the device code flow completed by a plain form POST to /devicelogin, and silent refresh.

import tls from 'node:tls';
import { AuthError, InteractionRequiredAuthError, PublicClientApplication } from '@azure/msal-node';
import type { AuthenticationResult } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_CLIENT_ID,
  DEMO_TENANT_ID,
  DEMO_USER_DISPLAY_NAME,
  DEMO_USER_PRINCIPAL_NAME,
} from '../../../../../tools/graph-emulator/index.ts';
import { FormBrowser, readForms, signInThroughPages } from '../form-browser.ts';
import { useSharedEmulator } from './shared-emulator.ts';

const SCOPES = ['Files.ReadWrite.All', 'Sites.ReadWrite.All'];
const shared = useSharedEmulator({
  // Shorter than msal's renewal offset (300 s): every acquireTokenSilent refreshes.
  tokenLifetimeSeconds: 120,
  signIn: { deviceCodeIntervalSeconds: 1 },
});
let defaultCertificates: string[];

beforeAll(() => {
  defaultCertificates = tls.getCACertificates('default');
  // msal-node sends with global fetch, which trusts the process's default CA list.
  tls.setDefaultCACertificates([...defaultCertificates, shared.test.emulator.caCertificatePem]);
});

afterAll(() => {
  tls.setDefaultCACertificates(defaultCertificates);
});

function application(tenant = 'organizations'): PublicClientApplication {
  const { authorityHost } = shared.test.emulator;
  return new PublicClientApplication({
    auth: {
      clientId: DEMO_CLIENT_ID,
      authority: `${authorityHost}/${tenant}`,
      knownAuthorities: [new URL(authorityHost).host],
    },
  });
}

/** An openBrowser that signs in as `userPrincipalName` and posts the answer to msal's loopback. */
function browserSigningIn(userPrincipalName: string): (url: string) => Promise<void> {
  return async (url) => {
    const browser = new FormBrowser(shared.test.agent);
    const answer = await signInThroughPages(browser, url, userPrincipalName);
    const [form] = readForms(answer);
    if (!form)
      throw new Error(`no form_post form on the answer page: ${answer.html.slice(0, 300)}`);
    await browser.submit(form);
  };
}

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

function refreshTokenOf(pca: PublicClientApplication): string {
  const cache = JSON.parse(pca.getTokenCache().serialize()) as {
    RefreshToken: Record<string, { secret: string }>;
  };
  const [entry] = Object.values(cache.RefreshToken);
  return entry?.secret ?? '';
}

async function signInInteractively(pca: PublicClientApplication): Promise<AuthenticationResult> {
  return pca.acquireTokenInteractive({
    scopes: SCOPES,
    openBrowser: browserSigningIn(DEMO_USER_PRINCIPAL_NAME),
  });
}

describe('delegated sign-in with msal-node PublicClientApplication', () => {
  it('v2-oauth2-auth-code-flow.md: acquireTokenInteractive through the account page and form_post gives a user token (scp: the asked and consented permissions, v2-permissions-and-consent.md) that Graph accepts', async () => {
    const pca = application();
    const result = await signInInteractively(pca);
    expect(result.account?.username).toBe(DEMO_USER_PRINCIPAL_NAME);
    expect(result.account?.name).toBe(DEMO_USER_DISPLAY_NAME);
    expect(result.tenantId).toBe(DEMO_TENANT_ID);
    expect(result.account?.homeAccountId).toBe(
      `${String((result.idTokenClaims as Record<string, unknown>)['oid'])}.${DEMO_TENANT_ID}`,
    );
    expect(result.scopes).toEqual(expect.arrayContaining(SCOPES));
    const access = claims(result.accessToken);
    expect(access).toMatchObject({
      tid: DEMO_TENANT_ID,
      upn: DEMO_USER_PRINCIPAL_NAME,
      scp: 'Files.ReadWrite.All Sites.ReadWrite.All User.Read',
    });
    expect(access).not.toHaveProperty('roles');
    const site = await shared.test.call('/v1.0/sites/contoso.sharepoint.com:/sites/SiteOffice', {
      headers: { authorization: `Bearer ${result.accessToken}` },
    });
    expect(site.status).toBe(200);
  });

  it('v2-oauth2-auth-code-flow.md (Refresh the access token): acquireTokenSilent near expiry refreshes and gets a new refresh token', async () => {
    const pca = application();
    const first = await signInInteractively(pca);
    const firstRefreshToken = refreshTokenOf(pca);
    const account = first.account;
    if (!account) throw new Error('no account');
    const second = await pca.acquireTokenSilent({ account, scopes: SCOPES });
    expect(second.fromCache).toBe(false);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(refreshTokenOf(pca)).not.toBe(firstRefreshToken);
    expect(refreshTokenOf(pca)).not.toBe('');
  });

  it('reference-error-codes.md (AADSTS50173): after revokeSignInSessions acquireTokenSilent fails with InteractionRequiredAuthError invalid_grant', async () => {
    const pca = application();
    const { account } = await signInInteractively(pca);
    if (!account) throw new Error('no account');
    shared.test.emulator.entra.revokeSignInSessions(DEMO_USER_PRINCIPAL_NAME);
    const failure = await pca
      .acquireTokenSilent({ account, scopes: SCOPES })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InteractionRequiredAuthError);
    expect((failure as InteractionRequiredAuthError).errorCode).toBe('invalid_grant');
    expect((failure as InteractionRequiredAuthError).errorMessage).toContain('AADSTS50173');
  });

  it('reference-error-codes.md (AADSTS700082): a refresh token unused too long fails with InteractionRequiredAuthError invalid_grant', async () => {
    const pca = application();
    const { account } = await signInInteractively(pca);
    if (!account) throw new Error('no account');
    shared.test.emulator.entra.expireRefreshTokens();
    const failure = await pca
      .acquireTokenSilent({ account, scopes: SCOPES })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InteractionRequiredAuthError);
    expect((failure as InteractionRequiredAuthError).errorMessage).toContain('AADSTS700082');
  });

  it('v2-oauth2-device-code.md: acquireTokenByDeviceCode completes when the user code is approved with a plain POST to /devicelogin', async () => {
    const pca = application();
    let message = '';
    const result = await pca.acquireTokenByDeviceCode({
      scopes: SCOPES,
      deviceCodeCallback: (response) => {
        message = response.message;
        const form = new URLSearchParams({
          user_code: response.userCode,
          action: 'approve',
          user: DEMO_USER_PRINCIPAL_NAME,
        });
        void shared.test.call(response.verificationUri, {
          method: 'POST',
          auth: false,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        });
      },
    });
    expect(message).toMatch(
      /^To sign in, use a web browser to open the page https:\/\/127\.0\.0\.1:\d+\/devicelogin and enter the code [A-Z0-9]{9} to authenticate\.$/,
    );
    expect(result?.account?.username).toBe(DEMO_USER_PRINCIPAL_NAME);
    expect(claims(result?.accessToken ?? '')).toMatchObject({ upn: DEMO_USER_PRINCIPAL_NAME });
  });

  it('v2-oauth2-device-code.md (Expected errors): a denied device code ends the msal polling with authorization_declined', async () => {
    const pca = application();
    const failure = await pca
      .acquireTokenByDeviceCode({
        scopes: SCOPES,
        deviceCodeCallback: (response) => {
          void shared.test.call(response.verificationUri, {
            method: 'POST',
            auth: false,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ user_code: response.userCode, action: 'deny' }).toString(),
          });
        },
      })
      .catch((error: unknown) => error);
    // msal-node polls on only while authorization_pending; any other answer ends the flow.
    expect(failure).toBeInstanceOf(AuthError);
    expect((failure as AuthError).errorCode).toBe('post_request_failed');
    expect((failure as AuthError).errorMessage).toContain('authorization_declined');
  });

  it('v2-oauth2-auth-code-flow.md: a tenant-specific authority signs in through the same pages', async () => {
    const pca = application(DEMO_TENANT_ID);
    const result = await signInInteractively(pca);
    expect(result.account?.tenantId).toBe(DEMO_TENANT_ID);
  });
});
