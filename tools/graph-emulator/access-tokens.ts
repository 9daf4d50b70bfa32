// Access tokens issued by the emulator's token endpoint: emulator-signed JWTs, also kept in
// memory so that they can be checked, expired early (fault rules) and pruned.

import { createPrivateKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { GraphError } from './http-util.ts';
import { randomToken } from './ids.ts';

/** The signed-in user behind a delegated token. */
export interface DelegatedUser {
  readonly objectId: string;
  readonly tenantId: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
}

/** Who a valid access token was issued to. */
export interface Principal {
  readonly clientId: string;
  readonly tenantId: string;
  readonly canWrite: boolean;
  /** The user of a delegated token; absent for app-only tokens. */
  readonly user?: DelegatedUser;
  /** A delegated token's permissions (`scp`); app-only tokens carry `roles` instead. */
  readonly scopes?: readonly string[];
}

interface IssuedToken extends Principal {
  expiresAt: number;
}

/** Issues and checks access tokens (emulator-signed JWTs, also kept in memory for revocation). */
export class AccessTokenStore {
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #signingKey: KeyObject;

  constructor(signingKeyPem: string) {
    this.#signingKey = createPrivateKey(signingKeyPem);
  }

  /** Issue a token for `principal`, valid for `lifetimeSeconds` from now. */
  issue(principal: Principal, lifetimeSeconds: number, origin: string): string {
    const issuedAt = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', kid: 'graph-emulator' };
    const payload = {
      aud: 'https://graph.microsoft.com',
      iss: `${origin}/${principal.tenantId}/`,
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + lifetimeSeconds,
      appid: principal.clientId,
      tid: principal.tenantId,
      ...subjectClaims(principal),
      uti: randomToken(12),
      ver: '1.0',
    };
    const signingInput = `${base64UrlJson(header)}.${base64UrlJson(payload)}`;
    const signature = sign('sha256', Buffer.from(signingInput), {
      key: this.#signingKey,
      dsaEncoding: 'ieee-p1363',
    });
    const token = `${signingInput}.${signature.toString('base64url')}`;
    this.#tokens.set(token, { ...principal, expiresAt: (issuedAt + lifetimeSeconds) * 1000 });
    return token;
  }

  /**
   * The principal behind an `Authorization` header value; throws the 401 Graph sends otherwise.
   */
  authenticate(authorization: string | undefined): Principal {
    const challenge = { 'www-authenticate': 'Bearer realm="", error="invalid_token"' };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) {
      throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', {
        headers: challenge,
      });
    }
    const issued = this.#tokens.get(match[1]);
    if (!issued) {
      throw new GraphError(
        401,
        'InvalidAuthenticationToken',
        'Access token validation failure. Invalid audience or signature.',
        { headers: challenge },
      );
    }
    if (issued.expiresAt <= Date.now()) {
      throw new GraphError(
        401,
        'InvalidAuthenticationToken',
        'Lifetime validation failed, the token is expired.',
        { headers: challenge },
      );
    }
    return issued;
  }

  /** Make the token in this `Authorization` header value expired from now on. */
  expire(authorization: string | undefined): void {
    const token = /^Bearer\s+(\S+)/i.exec(authorization ?? '')?.[1];
    const issued = token === undefined ? undefined : this.#tokens.get(token);
    if (issued) issued.expiresAt = 0;
  }

  /** Make every token for which `matches` holds expired from now on (control calls). */
  expireWhere(matches: (principal: Principal) => boolean): number {
    let count = 0;
    for (const issued of this.#tokens.values()) {
      if (issued.expiresAt > 0 && matches(issued)) {
        issued.expiresAt = 0;
        count++;
      }
    }
    return count;
  }

  /** Drop tokens that expired more than an hour ago (called periodically). */
  prune(now: number): void {
    for (const [token, issued] of this.#tokens) {
      if (issued.expiresAt + 3_600_000 < now) this.#tokens.delete(token);
    }
  }
}

/**
 * Who the token speaks for: a delegated token names the user (`oid`, `upn`, `name`) and its
 * permissions in `scp`; an app-only token has `roles` (access-token-claims-reference.md).
 */
function subjectClaims(principal: Principal): Record<string, unknown> {
  if (principal.user === undefined) {
    return {
      idtyp: 'app',
      roles: principal.canWrite ? ['Sites.ReadWrite.All'] : ['Sites.Read.All'],
    };
  }
  return {
    idtyp: 'user',
    oid: principal.user.objectId,
    sub: principal.user.objectId,
    upn: principal.user.userPrincipalName,
    unique_name: principal.user.userPrincipalName,
    name: principal.user.displayName,
    scp: (principal.scopes ?? []).join(' '),
  };
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
