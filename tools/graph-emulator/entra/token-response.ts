// The token endpoint's answer to a delegated grant: an access token for Graph (with `scp`, `oid`,
// `tid`, `upn`), a rotated refresh token when `offline_access` was granted, an id_token when
// `openid` was, and client_info, shaped as v2-oauth2-auth-code-flow.md ("Successful response")
// and msal-node read them.

import { createPrivateKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { AccessTokenStore } from '../access-tokens.ts';
import type { EmulatorClientOptions } from '../options.ts';
import { guidFrom, randomToken } from '../ids.ts';
import { staticPermissions } from './registrations.ts';
import { allowsWrites, grantedScopeString, withGraphPermissions } from './scopes.ts';
import type { RequestedScopes } from './scopes.ts';
import type { SignInState } from './sign-in-state.ts';
import type { DirectoryUser } from './users.ts';

/** Lifetime of id_tokens: one hour, as Entra issues them. */
const ID_TOKEN_LIFETIME_SECONDS = 3600;

/** What one successful delegated grant is for. */
export interface DelegatedGrant {
  readonly client: EmulatorClientOptions;
  readonly user: DirectoryUser;
  readonly scopes: RequestedScopes;
  /** The authorize request's nonce, echoed in the id_token. */
  readonly nonce?: string | undefined;
  /** Whether the request asked for client_info (`client_info=1`, as msal always does). */
  readonly isClientInfoRequested: boolean;
}

/** Builds token responses for delegated grants. */
export class DelegatedTokenIssuer {
  readonly #tokens: AccessTokenStore;
  readonly #state: SignInState;
  readonly #accessTokenLifetimeSeconds: number;
  readonly #signingKey: KeyObject;

  constructor(options: {
    tokens: AccessTokenStore;
    state: SignInState;
    accessTokenLifetimeSeconds: number;
    signingKeyPem: string;
  }) {
    this.#tokens = options.tokens;
    this.#state = options.state;
    this.#accessTokenLifetimeSeconds = options.accessTokenLifetimeSeconds;
    this.#signingKey = createPrivateKey(options.signingKeyPem);
  }

  /** The JSON body of a successful token response. */
  respond(grant: DelegatedGrant, loginOrigin: string): Record<string, unknown> {
    const { client, user } = grant;
    const scopes = this.#withConsentedPermissions(grant);
    const lifetime = this.#accessTokenLifetimeSeconds;
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: grantedScopeString(scopes),
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: this.#tokens.issue(
        {
          clientId: client.clientId,
          tenantId: user.tenantId,
          canWrite: allowsWrites(scopes.graph),
          user,
          scopes: scopes.graph,
        },
        lifetime,
        loginOrigin,
      ),
    };
    if (scopes.hasOfflineAccess) {
      body['refresh_token'] = this.#state.issueRefreshToken({
        clientId: client.clientId,
        userObjectId: user.objectId,
        scopes,
      });
    }
    if (scopes.hasOpenId) body['id_token'] = this.#idToken(grant, loginOrigin);
    if (grant.isClientInfoRequested) {
      body['client_info'] = Buffer.from(
        JSON.stringify({ uid: user.objectId, utid: user.tenantId }),
      ).toString('base64url');
    }
    return body;
  }

  /**
   * The permissions a token carries: those asked for and every permission already consented for
   * the app (by an admin for the tenant, or by this user), as "the access token includes all
   * the permissions the user has consented to" (v2-permissions-and-consent.md).
   */
  #withConsentedPermissions(grant: DelegatedGrant): RequestedScopes {
    const { client, user, scopes } = grant;
    const isConsented =
      client.hasAdminConsent !== false || this.#state.hasConsent(client.clientId, user.objectId);
    return isConsented ? withGraphPermissions(scopes, staticPermissions(client)) : scopes;
  }

  /** An id_token (id-token-claims-reference.md, v2.0 claims), signed by the emulator's key. */
  #idToken(grant: DelegatedGrant, loginOrigin: string): string {
    const { client, user } = grant;
    const issuedAt = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      aud: client.clientId,
      iss: `${loginOrigin}/${user.tenantId}/v2.0`,
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + ID_TOKEN_LIFETIME_SECONDS,
      name: user.displayName,
      oid: user.objectId,
      preferred_username: user.userPrincipalName,
      // `sub` is pairwise: the same user has another subject in another app.
      sub: guidFrom(`sub:${client.clientId}:${user.objectId}`).replaceAll('-', ''),
      tid: user.tenantId,
      uti: randomToken(12),
      ver: '2.0',
    };
    if (grant.nonce !== undefined) payload['nonce'] = grant.nonce;
    const header = { typ: 'JWT', alg: 'ES256', kid: 'graph-emulator' };
    const input = `${base64UrlJson(header)}.${base64UrlJson(payload)}`;
    const signature = sign('sha256', Buffer.from(input), {
      key: this.#signingKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  }
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
