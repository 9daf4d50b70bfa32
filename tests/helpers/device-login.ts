import https from 'node:https';
import type { Agent } from '../../src/main/core/agent.ts';
import type { GraphEmulator } from '../../tools/graph-emulator/index.ts';

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

/** Signs an in-process agent in with a device code that `user` approves on the emulator's page. */
export async function signInAs(
  agent: Agent,
  emulator: Pick<GraphEmulator, 'caCertificatePem'>,
  user: string,
): Promise<void> {
  const started = await agent.account.signInWithDeviceCode();
  const status = await submitDeviceLogin({
    verificationUri: started.shown.verificationUri,
    userCode: started.shown.userCode,
    caPem: emulator.caCertificatePem,
    user,
  });
  if (status !== 200) throw new Error(`the device login page answered ${status}`);
  await started.done;
}
