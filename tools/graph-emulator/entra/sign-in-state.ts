// What Entra remembers between the requests of a delegated sign-in: pending authorize requests,
// authorization codes, refresh tokens, device codes, browser sessions and user consent. In
// memory only: an emulator restart signs everyone out, as a lost session would.

import { randomBytes } from 'node:crypto';
import type { EmulatorClientOptions } from '../options.ts';
import { randomToken } from '../ids.ts';
import type { RequestedScopes } from './scopes.ts';

/** Lifetimes of the sign-in artefacts. */
export interface EmulatorSignInOptions {
  /** How long an authorization code can be redeemed. Default 600 s ("about 10 minutes"). */
  authorizationCodeLifetimeSeconds?: number;
  /** `expires_in` of a device code. Default 900 s, as Entra answers. */
  deviceCodeLifetimeSeconds?: number;
  /** `interval` of a device code. Default 5 s, as Entra answers. */
  deviceCodeIntervalSeconds?: number;
  /** A refresh token unused this long is refused (AADSTS700082). Default 90 days. */
  refreshTokenInactivitySeconds?: number;
}

/** The lifetimes with defaults filled in. */
export type SignInLifetimes = Required<EmulatorSignInOptions>;

/** Fill in the lifetimes' defaults. */
export function resolveSignInOptions(options: EmulatorSignInOptions | undefined): SignInLifetimes {
  return {
    authorizationCodeLifetimeSeconds: options?.authorizationCodeLifetimeSeconds ?? 600,
    deviceCodeLifetimeSeconds: options?.deviceCodeLifetimeSeconds ?? 900,
    deviceCodeIntervalSeconds: options?.deviceCodeIntervalSeconds ?? 5,
    refreshTokenInactivitySeconds: options?.refreshTokenInactivitySeconds ?? 90 * 24 * 3600,
  };
}

/** A validated authorize request, waiting for the user. */
export interface AuthorizeRequest {
  readonly id: string;
  readonly tenant: string;
  readonly client: EmulatorClientOptions;
  readonly redirectUri: string;
  readonly responseMode: 'form_post' | 'query' | 'fragment';
  readonly state: string | undefined;
  readonly nonce: string | undefined;
  readonly scopes: RequestedScopes;
  readonly codeChallenge: string | undefined;
  readonly codeChallengeMethod: 'S256' | 'plain';
  readonly prompt: string | undefined;
  readonly loginHint: string | undefined;
  readonly correlationId: string;
  /** The user chosen on the account page, once chosen. */
  userObjectId?: string;
}

/** An issued authorization code. */
export interface AuthorizationCode {
  readonly request: AuthorizeRequest;
  readonly userObjectId: string;
  readonly expiresAtMs: number;
  isRedeemed: boolean;
}

/** An issued refresh token. */
export interface RefreshGrant {
  readonly clientId: string;
  readonly userObjectId: string;
  readonly scopes: RequestedScopes;
  readonly issuedAtMs: number;
  lastUsedAtMs: number;
}

/** A device code and its user code, from POST /devicecode until redeemed or expired. */
export interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly tenant: string;
  readonly client: EmulatorClientOptions;
  readonly scopes: RequestedScopes;
  readonly expiresAtMs: number;
  status: 'pending' | 'approved' | 'declined' | 'redeemed';
  userObjectId?: string;
}

/** Letters and digits that cannot be mistaken for one another when typed. */
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Every sign-in artefact the emulator's Entra side holds. */
export class SignInState {
  readonly lifetimes: SignInLifetimes;
  readonly #requests = new Map<string, AuthorizeRequest>();
  readonly #codes = new Map<string, AuthorizationCode>();
  readonly #refreshTokens = new Map<string, RefreshGrant>();
  readonly #devices = new Map<string, DeviceAuthorization>();
  /** Browser session id (cookie) → signed-in users' object ids → when each signed in. */
  readonly #sessions = new Map<string, Map<string, number>>();
  /** `clientId|objectId` of users who consented to an app. */
  readonly #consents = new Set<string>();

  constructor(lifetimes: SignInLifetimes) {
    this.lifetimes = lifetimes;
  }

  rememberRequest(request: Omit<AuthorizeRequest, 'id'>): AuthorizeRequest {
    const stored: AuthorizeRequest = { ...request, id: randomToken(18) };
    this.#requests.set(stored.id, stored);
    return stored;
  }

  request(id: string): AuthorizeRequest | undefined {
    return this.#requests.get(id);
  }

  /** Issue a code for a finished authorize request; the request is done with. */
  issueCode(request: AuthorizeRequest, userObjectId: string): string {
    this.#requests.delete(request.id);
    const code = `1.${randomToken(48)}`;
    this.#codes.set(code, {
      request,
      userObjectId,
      expiresAtMs: Date.now() + this.lifetimes.authorizationCodeLifetimeSeconds * 1000,
      isRedeemed: false,
    });
    return code;
  }

  code(code: string): AuthorizationCode | undefined {
    return this.#codes.get(code);
  }

  issueRefreshToken(grant: Omit<RefreshGrant, 'issuedAtMs' | 'lastUsedAtMs'>): string {
    const token = `1.${randomToken(96)}`;
    const now = Date.now();
    this.#refreshTokens.set(token, { ...grant, issuedAtMs: now, lastUsedAtMs: now });
    return token;
  }

  refreshGrant(token: string): RefreshGrant | undefined {
    return this.#refreshTokens.get(token);
  }

  /** Make every refresh token look unused for longer than the inactivity limit (control call). */
  expireRefreshTokens(): void {
    for (const grant of this.#refreshTokens.values()) grant.lastUsedAtMs = 0;
  }

  startDeviceAuthorization(
    device: Omit<DeviceAuthorization, 'deviceCode' | 'userCode' | 'expiresAtMs' | 'status'>,
  ): DeviceAuthorization {
    let userCode = '';
    for (const byte of randomBytes(9))
      userCode += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
    const stored: DeviceAuthorization = {
      ...device,
      deviceCode: `DAQABAAEAAA${randomToken(96)}`,
      userCode,
      expiresAtMs: Date.now() + this.lifetimes.deviceCodeLifetimeSeconds * 1000,
      status: 'pending',
    };
    this.#devices.set(stored.deviceCode, stored);
    return stored;
  }

  deviceByDeviceCode(deviceCode: string): DeviceAuthorization | undefined {
    return this.#devices.get(deviceCode);
  }

  deviceByUserCode(userCode: string): DeviceAuthorization | undefined {
    const wanted = userCode.replace(/[\s-]/g, '').toUpperCase();
    return [...this.#devices.values()].find((device) => device.userCode === wanted);
  }

  /** Start or extend a browser session with this user; returns the session id (cookie value). */
  signInToSession(sessionId: string | undefined, objectId: string): string {
    const existing = sessionId === undefined ? undefined : this.#sessions.get(sessionId);
    if (existing && sessionId !== undefined) {
      existing.set(objectId, Date.now());
      return sessionId;
    }
    const id = randomToken(24);
    this.#sessions.set(id, new Map([[objectId, Date.now()]]));
    return id;
  }

  /** The users signed in to a browser session, each with when it signed in (epoch ms). */
  sessionUsers(sessionId: string | undefined): ReadonlyMap<string, number> {
    return (sessionId === undefined ? undefined : this.#sessions.get(sessionId)) ?? new Map();
  }

  hasConsent(clientId: string, objectId: string): boolean {
    return this.#consents.has(`${clientId.toLowerCase()}|${objectId}`);
  }

  recordConsent(clientId: string, objectId: string): void {
    this.#consents.add(`${clientId.toLowerCase()}|${objectId}`);
  }

  /** Drop what expired long ago (called periodically). */
  prune(now: number): void {
    for (const [code, issued] of this.#codes)
      if (issued.expiresAtMs + 3_600_000 < now) this.#codes.delete(code);
    for (const [code, device] of this.#devices)
      if (device.expiresAtMs + 3_600_000 < now) this.#devices.delete(code);
  }
}
