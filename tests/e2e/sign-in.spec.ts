/**
 * Signing in with Microsoft from the dashboard (delegated sign-in), against the agent and the
 * emulator's Entra pages as real processes. The test's own Chromium stands in for the system
 * browser: a headless agent cannot open one, so the page opens the sign-in page in a new tab,
 * the test picks Dana there, and the emulator's form_post reaches msal-node's loopback.
 */
import type { Page } from '@playwright/test';
import { expect, test, type SiteDrop } from './helpers/fixtures.ts';

const dana = {
  upn: 'dana@contoso.example',
  signedIn: 'Signed in as Dana Site (dana@contoso.example)',
};

// The emulator's pages are HTTPS under its own test CA, which this Chromium does not know.
test.use({ ignoreHTTPSErrors: true });

/** Presses a Sign in button and picks Dana in the tab the page opens. */
async function signInAsDana(page: Page, button: ReturnType<Page['getByRole']>): Promise<void> {
  const popup = page.waitForEvent('popup');
  await button.click();
  const signInPage = await popup;
  await signInPage.locator(`button[data-user="${dana.upn}"]`).click();
  await expect(signInPage.locator('body')).toContainText('Signed in to SiteDrop');
  await signInPage.close();
}

/** The file waits for a sign-in: listed, not delivered, and nothing needs a person but that. */
function expectKeptForSignIn(status: string, name: string): void {
  expect(status).toContain('Needs you 0');
  expect(status).toContain('Delivered 0');
  expect(status).toContain(`office/${name}`);
}

async function startDelegated(sitedrop: SiteDrop, page: Page): Promise<void> {
  await sitedrop.start({ auth: { method: 'delegated' } });
  await sitedrop.open(page);
  await expect(page.getByTestId('account-status')).toHaveText('Not signed in');
}

test('Sign in with Microsoft in the browser shows who signed in, delivers a dropped file, and Sign out forgets them', async ({
  sitedrop,
  page,
}) => {
  await startDelegated(sitedrop, page);
  const card = page.getByTestId('account-card');
  await signInAsDana(page, card.getByRole('button', { name: 'Sign in with Microsoft' }));
  await expect(page.getByTestId('account-status')).toHaveText(dana.signedIn);

  sitedrop.drop('after sign-in.pdf', 'signed in as Dana');
  await expect
    .poll(() => sitedrop.delivered('after sign-in.pdf')?.toString(), { timeout: 15_000 })
    .toBe('signed in as Dana');

  await card.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByTestId('account-status')).toHaveText('Not signed in');
  await expect(card.getByRole('button', { name: 'Sign in with Microsoft' })).toBeVisible();
});

test('a sign-in cancelled while the browser is open says it was cancelled, and nobody is signed in', async ({
  sitedrop,
  page,
}) => {
  await startDelegated(sitedrop, page);
  const card = page.getByTestId('account-card');
  const popup = page.waitForEvent('popup');
  await card.getByRole('button', { name: 'Sign in with Microsoft' }).click();
  const abandoned = await popup;
  await expect(card.getByRole('link', { name: 'Open the sign-in page' })).toBeVisible();
  await card.getByRole('button', { name: 'Cancel sign-in' }).click();
  await expect(page.getByTestId('sign-in-outcome')).toHaveText('The sign-in was cancelled');
  await expect(page.getByTestId('account-status')).toHaveText('Not signed in');
  await abandoned.close();
});

test('Sign in with a code shows the verification page and the code to enter', async ({
  sitedrop,
  page,
}) => {
  await startDelegated(sitedrop, page);
  const card = page.getByTestId('account-card');
  await card.getByRole('button', { name: 'Sign in with a code' }).click();
  const code = (await page.getByTestId('user-code').textContent()) ?? '';
  expect(code).toMatch(/^[A-Z0-9]{6,}$/);
  const verificationLink = card.getByRole('link', { name: /\/devicelogin$/ });
  const verificationUri = (await verificationLink.getAttribute('href')) ?? '';
  const loginPage = await page.context().newPage();
  await loginPage.goto(verificationUri);
  await loginPage.getByLabel('Code').fill(code);
  await loginPage.getByRole('button', { name: 'Approve' }).click();
  await loginPage.close();
  await expect(page.getByTestId('account-status')).toHaveText(dana.signedIn);
});

test('a revoked sign-in keeps files queued, says "sign in again", and one click signs in and sends them', async ({
  sitedrop,
  page,
}) => {
  await startDelegated(sitedrop, page);
  const card = page.getByTestId('account-card');
  await signInAsDana(page, card.getByRole('button', { name: 'Sign in with Microsoft' }));
  await expect(page.getByTestId('account-status')).toHaveText(dana.signedIn);

  // Entra revokes Dana's sessions and her access token runs out: the refresh is refused.
  const { emulator } = sitedrop;
  expect((await emulator.control('POST', `users/${dana.upn}/revokeSignInSessions`)).status).toBe(
    204,
  );
  expect((await emulator.control('POST', 'access-tokens/expire', {})).status).toBe(200);
  sitedrop.drop('while revoked.pdf', 'kept until Dana signs in again');

  const again = page.getByTestId('sign-in-again');
  await expect(again).toContainText('Needs attention: sign in again');
  await expect(page.locator('[data-health]').first()).toHaveAttribute('data-health', 'attention');
  expect(sitedrop.delivered('while revoked.pdf')).toBeUndefined();
  expectKeptForSignIn(sitedrop.status(), 'while revoked.pdf');

  await signInAsDana(page, again.getByRole('button', { name: 'Sign in again' }));
  await expect(page.getByTestId('sign-in-again')).toHaveCount(0);
  await expect
    .poll(() => sitedrop.delivered('while revoked.pdf')?.toString(), { timeout: 20_000 })
    .toBe('kept until Dana signs in again');
});

test('an access token that runs out is renewed silently: the file goes, nobody is asked to sign in', async ({
  sitedrop,
  page,
}) => {
  await startDelegated(sitedrop, page);
  const card = page.getByTestId('account-card');
  await signInAsDana(page, card.getByRole('button', { name: 'Sign in with Microsoft' }));
  await expect(page.getByTestId('account-status')).toHaveText(dana.signedIn);

  expect((await sitedrop.emulator.control('POST', 'access-tokens/expire', {})).status).toBe(200);
  sitedrop.drop('after expiry.pdf', 'sent with a refreshed token');
  await expect
    .poll(() => sitedrop.delivered('after expiry.pdf')?.toString(), { timeout: 15_000 })
    .toBe('sent with a refreshed token');
  await expect(page.getByTestId('sign-in-again')).toHaveCount(0);
  await expect(page.getByTestId('account-status')).toHaveText(dana.signedIn);
});

test('an expired refresh token ends in "sign in again" with the file kept queued', async ({
  sitedrop,
  page,
}) => {
  await startDelegated(sitedrop, page);
  const card = page.getByTestId('account-card');
  await signInAsDana(page, card.getByRole('button', { name: 'Sign in with Microsoft' }));
  await expect(page.getByTestId('account-status')).toHaveText(dana.signedIn);

  const { emulator } = sitedrop;
  expect((await emulator.control('POST', 'refresh-tokens/expire')).status).toBe(204);
  expect((await emulator.control('POST', 'access-tokens/expire', {})).status).toBe(200);
  sitedrop.drop('kept.pdf', 'waits for a new sign-in');
  await expect(page.getByTestId('sign-in-again')).toContainText('Needs attention: sign in again');
  expect(sitedrop.delivered('kept.pdf')).toBeUndefined();
  expectKeptForSignIn(sitedrop.status(), 'kept.pdf');
});

test('an app-only agent (client secret) says nobody needs to sign in, and delivers', async ({
  sitedrop,
  page,
}) => {
  await sitedrop.start();
  await sitedrop.open(page);
  const card = page.getByTestId('account-card');
  await expect(card).toContainText('SiteDrop signs in as the app itself (app-only');
  await expect(card.getByRole('button', { name: 'Sign in with Microsoft' })).toHaveCount(0);
  sitedrop.drop('app-only.pdf', 'sent with the client secret');
  await expect
    .poll(() => sitedrop.delivered('app-only.pdf')?.toString(), { timeout: 15_000 })
    .toBe('sent with the client secret');
});
