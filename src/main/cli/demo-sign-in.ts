import https from 'node:https';
import type { AccountView, DelegatedAccount } from '../core/account/index.ts';

/** Who the demo signs in as, and the emulator's CA to reach its pages. */
export interface DemoSignInOptions {
  /** The user principal name of the emulator's demo user. */
  userPrincipalName: string;
  caCertificatePem: string;
}

/**
 * Signs the demo user in at demo start, so that the loop works at once: a device-code sign-in
 * through the agent's own account (msal-node and its token cache, as for a person), approved
 * with the plain form POST that the emulator's /devicelogin page sends. Already signed in (a
 * cache from an earlier run), it does nothing.
 */
export async function signInDemoUser(
  account: DelegatedAccount,
  options: DemoSignInOptions,
): Promise<AccountView> {
  const current = await account.current();
  if (current) return current;
  const started = await account.signInWithDeviceCode();
  const status = await submitDeviceLogin({
    verificationUri: started.shown.verificationUri,
    userCode: started.shown.userCode,
    caPem: options.caCertificatePem,
    user: options.userPrincipalName,
  });
  if (status !== 200) {
    await account.cancelSignIn('The demo sign-in was refused');
    throw new Error(`The emulator's device login page refused the demo sign-in (HTTP ${status})`);
  }
  return started.done;
}

/**
 * Completes a device-code sign-in as a person would on the emulator's /devicelogin page: a
 * plain form POST with `user_code` and `action` (approve or deny), optionally as `user`.
 * Resolves with the page's HTTP status.
 */
export function submitDeviceLogin(options: {
  verificationUri: string;
  userCode: string;
  caPem: string;
  action?: 'approve' | 'deny';
  user?: string;
}): Promise<number> {
  const body = new URLSearchParams({
    user_code: options.userCode,
    action: options.action ?? 'approve',
    ...(options.user ? { user: options.user } : {}),
  }).toString();
  return new Promise((resolve, reject) => {
    const request = https.request(
      options.verificationUri,
      {
        method: 'POST',
        ca: options.caPem,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}
