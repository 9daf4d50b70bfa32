// The token endpoint's delegated grants for public clients: authorization_code with PKCE,
// refresh_token with rotation, and the device code grant (both grant_type spellings). Each
// refusal is the error Entra documents for it (v2-oauth2-auth-code-flow.md, "Error codes for
// token endpoint errors"; v2-oauth2-device-code.md, "Expected errors"; reference-error-codes.md).

import { createHash, timingSafeEqual } from 'node:crypto';
import type { EmulatorClientOptions } from '../options.ts';
import { AadError } from './aad-error.ts';
import { findRegistration, refuseClientCredentials, staticPermissions } from './registrations.ts';
import { isSubset, parseScopes } from './scopes.ts';
import type { SignInState } from './sign-in-state.ts';
import type { DelegatedGrant } from './token-response.ts';
import type { DirectoryUser, UserDirectory } from './users.ts';

/** The device code grant type of RFC 8628, as Microsoft's docs write it. */
export const DEVICE_CODE_GRANT_URN = 'urn:ietf:params:oauth:grant-type:device_code';
/** Grant types this module redeems. */
export const DELEGATED_GRANT_TYPES = new Set([
  'authorization_code',
  'refresh_token',
  'device_code',
  DEVICE_CODE_GRANT_URN,
]);

function missing(name: string): AadError {
  return new AadError(
    400,
    'invalid_request',
    900144,
    `The request body must contain the following parameter: '${name}'.`,
  );
}

/** Redeems codes, refresh tokens and device codes into delegated grants. */
export class DelegatedGrants {
  readonly #clients: readonly EmulatorClientOptions[];
  readonly #users: UserDirectory;
  readonly #state: SignInState;

  constructor(options: {
    clients: readonly EmulatorClientOptions[];
    users: UserDirectory;
    state: SignInState;
  }) {
    this.#clients = options.clients;
    this.#users = options.users;
    this.#state = options.state;
  }

  /** What the grant in `form` entitles the caller to; throws the AadError Entra would answer. */
  redeem(form: URLSearchParams, tenant: string): DelegatedGrant {
    refuseClientCredentials(form);
    const client = findRegistration(this.#clients, form.get('client_id'), tenant);
    const isClientInfoRequested = form.get('client_info') === '1';
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code')
      return { ...this.#redeemCode(form, client), isClientInfoRequested };
    if (grantType === 'refresh_token')
      return { ...this.#redeemRefreshToken(form, client), isClientInfoRequested };
    return { ...this.#redeemDeviceCode(form, client), isClientInfoRequested };
  }

  #user(objectId: string): DirectoryUser {
    const user = this.#users.byObjectId(objectId);
    if (!user)
      throw new AadError(
        400,
        'invalid_grant',
        50034,
        'The user account does not exist in the directory.',
      );
    return user;
  }

  #redeemCode(
    form: URLSearchParams,
    client: EmulatorClientOptions,
  ): Omit<DelegatedGrant, 'isClientInfoRequested'> {
    const value = form.get('code');
    if (value === null || value === '') throw missing('code');
    const code = this.#state.code(value);
    if (!code || code.request.client.clientId.toLowerCase() !== client.clientId.toLowerCase()) {
      throw new AadError(
        400,
        'invalid_grant',
        70000,
        "The provided value for the 'code' parameter is not valid.",
      );
    }
    if (code.isRedeemed) {
      throw new AadError(
        400,
        'invalid_grant',
        54005,
        'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
      );
    }
    if (code.expiresAtMs <= Date.now()) {
      throw new AadError(
        400,
        'invalid_grant',
        70008,
        'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
      );
    }
    const redirectUri = form.get('redirect_uri');
    if (redirectUri !== code.request.redirectUri) {
      throw new AadError(
        400,
        'invalid_grant',
        500112,
        `The reply address '${redirectUri ?? ''}' does not match the reply address '${code.request.redirectUri}' provided when requesting Authorization code.`,
      );
    }
    verifyCodeVerifier(
      form.get('code_verifier'),
      code.request.codeChallenge,
      code.request.codeChallengeMethod,
    );
    code.isRedeemed = true;
    return {
      client,
      user: this.#user(code.userObjectId),
      scopes: code.request.scopes,
      nonce: code.request.nonce,
    };
  }

  #redeemRefreshToken(
    form: URLSearchParams,
    client: EmulatorClientOptions,
  ): Omit<DelegatedGrant, 'isClientInfoRequested'> {
    const value = form.get('refresh_token');
    if (value === null || value === '') throw missing('refresh_token');
    const grant = this.#state.refreshGrant(value);
    if (!grant || grant.clientId.toLowerCase() !== client.clientId.toLowerCase()) {
      throw new AadError(
        400,
        'invalid_grant',
        9002313,
        'Invalid request. Request is malformed or invalid. The refresh token is not valid.',
      );
    }
    const user = this.#user(grant.userObjectId);
    const issuedOn = new Date(grant.issuedAtMs).toISOString();
    if (grant.issuedAtMs < user.tokensValidFromMs) {
      throw new AadError(
        400,
        'invalid_grant',
        50173,
        `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issuedOn}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${new Date(user.tokensValidFromMs).toISOString()}'.`,
        'bad_token',
      );
    }
    const inactiveSeconds = Math.floor((Date.now() - grant.lastUsedAtMs) / 1000);
    if (inactiveSeconds > this.#state.lifetimes.refreshTokenInactivitySeconds) {
      throw new AadError(
        400,
        'invalid_grant',
        700082,
        `The refresh token has expired due to inactivity. The token was issued on ${issuedOn} and was inactive for ${inactiveSeconds} seconds.`,
        'bad_token',
      );
    }
    const scopes = form.has('scope')
      ? parseScopes(form.get('scope'), staticPermissions(client))
      : grant.scopes;
    if (
      !isSubset(scopes.graph, grant.scopes.graph) &&
      client.hasAdminConsent === false &&
      !this.#state.hasConsent(client.clientId, user.objectId)
    ) {
      throw new AadError(
        400,
        'invalid_grant',
        65001,
        `The user or administrator has not consented to use the application with ID '${client.clientId}'. Send an interactive authorization request for this user and resource.`,
        'consent_required',
      );
    }
    grant.lastUsedAtMs = Date.now();
    return { client, user, scopes };
  }

  #redeemDeviceCode(
    form: URLSearchParams,
    client: EmulatorClientOptions,
  ): Omit<DelegatedGrant, 'isClientInfoRequested'> {
    if (client.isPublicClientFlowAllowed !== true) {
      throw new AadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    const value = form.get('device_code');
    if (value === null || value === '') throw missing('device_code');
    const device = this.#state.deviceByDeviceCode(value);
    if (!device || device.client.clientId.toLowerCase() !== client.clientId.toLowerCase()) {
      throw new AadError(
        400,
        'bad_verification_code',
        70018,
        'The device_code sent to the token endpoint was not recognized.',
      );
    }
    if (device.status === 'redeemed') {
      throw new AadError(
        400,
        'invalid_grant',
        54005,
        'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
      );
    }
    if (device.expiresAtMs <= Date.now()) {
      throw new AadError(
        400,
        'expired_token',
        70019,
        'Verification code expired. Have the user retry the sign-in.',
      );
    }
    if (device.status === 'declined') {
      throw new AadError(
        400,
        'authorization_declined',
        70000,
        'The end user denied the authorization request.',
      );
    }
    if (device.status === 'pending' || device.userObjectId === undefined) {
      throw new AadError(
        400,
        'authorization_pending',
        70016,
        'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
      );
    }
    device.status = 'redeemed';
    return { client, user: this.#user(device.userObjectId), scopes: device.scopes };
  }
}

/**
 * PKCE (RFC 7636 §4.6): BASE64URL(SHA256(code_verifier)) must equal the S256 challenge, or the
 * verifier equal a plain one; Entra answers AADSTS501481 otherwise.
 */
function verifyCodeVerifier(
  verifier: string | null,
  challenge: string | undefined,
  method: 'S256' | 'plain',
): void {
  if (challenge === undefined) return;
  const computed =
    verifier === null
      ? ''
      : method === 'S256'
        ? createHash('sha256').update(verifier).digest('base64url')
        : verifier;
  const a = Buffer.from(computed);
  const b = Buffer.from(challenge);
  if (verifier === null || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new AadError(
      400,
      'invalid_grant',
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    );
  }
}
