// Entra ID's delegated sign-in, composed: the authorize pages, the device code flow and the
// token endpoint's delegated grants, over one user directory and one sign-in state. The
// identity side (identity.ts) routes here; app-only stays there.

import type { AccessTokenStore } from '../access-tokens.ts';
import type { EmulatorClientOptions } from '../options.ts';
import { sendJson } from '../http-util.ts';
import type { RequestContext } from '../http-util.ts';
import { AuthorizeEndpoint } from './authorize.ts';
import { DELEGATED_GRANT_TYPES, DelegatedGrants } from './delegated-grants.ts';
import { DEVICE_LOGIN_PATH, DeviceLogin } from './device-login.ts';
import { SignInState } from './sign-in-state.ts';
import type { SignInLifetimes } from './sign-in-state.ts';
import { DelegatedTokenIssuer } from './token-response.ts';
import type { UserDirectory } from './users.ts';

/** The delegated half of the emulated Entra ID. */
export class SignInService {
  readonly users: UserDirectory;
  readonly state: SignInState;
  readonly #authorize: AuthorizeEndpoint;
  readonly #devices: DeviceLogin;
  readonly #grants: DelegatedGrants;
  readonly #issuer: DelegatedTokenIssuer;

  constructor(options: {
    clients: readonly EmulatorClientOptions[];
    users: UserDirectory;
    lifetimes: SignInLifetimes;
    tokens: AccessTokenStore;
    accessTokenLifetimeSeconds: number;
    signingKeyPem: string;
  }) {
    this.users = options.users;
    this.state = new SignInState(options.lifetimes);
    const parts = { clients: options.clients, users: options.users, state: this.state };
    this.#authorize = new AuthorizeEndpoint(parts);
    this.#devices = new DeviceLogin(parts);
    this.#grants = new DelegatedGrants(parts);
    this.#issuer = new DelegatedTokenIssuer({
      tokens: options.tokens,
      state: this.state,
      accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds,
      signingKeyPem: options.signingKeyPem,
    });
  }

  /** Whether a token request's grant type is one of the delegated ones. */
  static isDelegatedGrant(grantType: string | null): boolean {
    return grantType !== null && DELEGATED_GRANT_TYPES.has(grantType);
  }

  /** Serve a sign-in page or endpoint (`route` is the path after the tenant); false if none. */
  async handle(context: RequestContext, tenant: string, route: string): Promise<boolean> {
    const { method } = context;
    if (context.rawPath === DEVICE_LOGIN_PATH) {
      if (method === 'GET') this.#devices.showForm(context);
      else if (method === 'POST') await this.#devices.submitForm(context);
      else return false;
      return true;
    }
    if (route === 'oauth2/v2.0/authorize' && method === 'GET')
      this.#authorize.authorize(context, tenant);
    else if (route === 'login' && method === 'POST')
      await this.#authorize.chooseAccount(context, tenant);
    else if (route === 'Consent/Set' && method === 'POST')
      await this.#authorize.setConsent(context);
    else if (route === 'oauth2/v2.0/devicecode' && method === 'POST')
      await this.#devices.startDeviceAuthorization(context, tenant);
    else return false;
    return true;
  }

  /** Answer a token request with a delegated grant type (form already read). */
  issueToken(context: RequestContext, tenant: string, form: URLSearchParams): void {
    const grant = this.#grants.redeem(form, tenant);
    sendJson(context, 200, this.#issuer.respond(grant, context.origin), {
      'cache-control': 'no-store, no-cache',
      pragma: 'no-cache',
    });
  }
}
