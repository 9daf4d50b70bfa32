import http from 'node:http';
import { CodedError } from '../../../shared/coded-error.ts';

/** A sign-in that ended without anyone signed in: cancelled, timed out or refused. */
export class SignInCancelledError extends CodedError<'sign-in.failed'> {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('sign-in.failed', message, options);
  }
}

/** Signing in as a person is not possible with these settings (the sentence says what to set). */
export class SignInUnavailableError extends CodedError<'sign-in.unavailable'> {
  constructor(message: string) {
    super('sign-in.unavailable', message);
  }
}

/**
 * Ends a system-browser sign-in that waits on msal's loopback: posts the authorization
 * response `error=access_denied` with the request's own `state` to the loopback, as the sign-in
 * service would for a person who declined, so msal closes its server and rejects.
 *
 * msal-node 7 has no way to cancel `acquireTokenInteractive` and sets it no deadline
 * (LoopbackClient listens until an answer comes); its loopback accepts only a form_post with
 * exactly the state it sent (dist/network/LoopbackClient.mjs). Never rejects: a loopback that
 * is already gone has nothing left to cancel.
 */
export async function cancelLoopback(authorizeUrl: string, reason: string): Promise<void> {
  let redirectUri: URL;
  let state: string;
  try {
    const parameters = new URL(authorizeUrl).searchParams;
    redirectUri = new URL(parameters.get('redirect_uri') ?? '');
    state = parameters.get('state') ?? '';
  } catch {
    return;
  }
  const body = new URLSearchParams({
    error: 'access_denied',
    error_description: reason,
    state,
  }).toString();
  await new Promise<void>((resolve) => {
    // msal listens on 127.0.0.1 and names it localhost in the redirect URI.
    const request = http.request(
      {
        host: '127.0.0.1',
        port: redirectUri.port,
        path: '/',
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
        timeout: 5_000,
      },
      (response) => {
        response.resume();
        response.once('end', resolve);
      },
    );
    request.once('error', () => resolve());
    request.once('timeout', () => request.destroy());
    request.end(body);
  });
}
