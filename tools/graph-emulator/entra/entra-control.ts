// Control of the emulated directory for tests and harnesses: add users, revoke a user's sign-in
// sessions, expire tokens, grant or deny a user's access to a site. In process through
// `emulator.entra`, and over HTTP under /_emulator/ (see control-api.ts).

import type { AccessTokenStore } from '../access-tokens.ts';
import { GraphError, readJsonObject, sendEmpty, sendJson } from '../http-util.ts';
import type { RequestContext } from '../http-util.ts';
import type { SignInState } from './sign-in-state.ts';
import type { DirectoryUser, EmulatorUserOptions, UserDirectory } from './users.ts';

/** A user as the control API reports it. */
export interface EmulatorUserInfo {
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly objectId: string;
  readonly tenantId: string;
}

function describeUser(user: DirectoryUser): EmulatorUserInfo {
  return {
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    objectId: user.objectId,
    tenantId: user.tenantId,
  };
}

/** What a test can do to the emulated directory. */
export class EntraControl {
  readonly #users: UserDirectory;
  readonly #state: SignInState;
  readonly #tokens: AccessTokenStore;

  constructor(options: { users: UserDirectory; state: SignInState; tokens: AccessTokenStore }) {
    this.#users = options.users;
    this.#state = options.state;
    this.#tokens = options.tokens;
  }

  /** Every user of the directory. */
  listUsers(): EmulatorUserInfo[] {
    return this.#users.all().map(describeUser);
  }

  /** Add a user; throws when the principal name is taken. */
  addUser(options: EmulatorUserOptions): EmulatorUserInfo {
    return describeUser(this.#users.add(options));
  }

  /** Revoke the user's refresh tokens and browser sessions (AADSTS50173 from now on). */
  revokeSignInSessions(userPrincipalName: string): void {
    this.#users.revokeSignInSessions(this.#user(userPrincipalName));
  }

  /** Make every refresh token count as unused for too long (AADSTS700082 from now on). */
  expireRefreshTokens(): void {
    this.#state.expireRefreshTokens();
  }

  /** Expire the access tokens issued so far (to one user, or to everyone); returns how many. */
  expireAccessTokens(userPrincipalName?: string): number {
    const user = userPrincipalName === undefined ? undefined : this.#user(userPrincipalName);
    return this.#tokens.expireWhere(
      (principal) => user === undefined || principal.user?.objectId === user.objectId,
    );
  }

  /** Let the user open the site with this web URL (e.g. https://contoso.sharepoint.com/sites/X). */
  grantSiteAccess(userPrincipalName: string, siteWebUrl: string): void {
    this.#users.grantSite(this.#user(userPrincipalName), siteWebUrl);
  }

  /** Take the site with this web URL away from the user (403 accessDenied from now on). */
  denySiteAccess(userPrincipalName: string, siteWebUrl: string): void {
    this.#users.denySite(this.#user(userPrincipalName), siteWebUrl);
  }

  #user(userPrincipalName: string): DirectoryUser {
    const user = this.#users.byPrincipalName(userPrincipalName);
    if (!user) throw new GraphError(404, 'itemNotFound', `No user ${userPrincipalName}.`);
    return user;
  }

  /** Serve a control route under /_emulator/ (`route` without the prefix); false if not ours. */
  async handleControl(context: RequestContext, route: string): Promise<boolean> {
    const { method } = context;
    if (route === 'users' && method === 'GET') {
      sendJson(context, 200, { value: this.listUsers() });
      return true;
    }
    if (route === 'users' && method === 'POST') {
      const body = await readJsonObject(context.body);
      try {
        sendJson(context, 201, this.addUser(body as unknown as EmulatorUserOptions));
      } catch (error) {
        throw new GraphError(400, 'invalidRequest', (error as Error).message);
      }
      return true;
    }
    const userRoute = /^users\/([^/]+)\/(revokeSignInSessions|siteAccess)$/.exec(route);
    if (userRoute && method === 'POST') {
      const userPrincipalName = decodeURIComponent(userRoute[1] ?? '');
      if (userRoute[2] === 'revokeSignInSessions') {
        this.revokeSignInSessions(userPrincipalName);
        sendEmpty(context, 204);
        return true;
      }
      const body = await readJsonObject(context.body);
      const { siteUrl, access } = body;
      if (typeof siteUrl !== 'string' || (access !== 'grant' && access !== 'deny')) {
        throw new GraphError(
          400,
          'invalidRequest',
          'The body must be {"siteUrl": "https://…", "access": "grant" | "deny"}.',
        );
      }
      if (access === 'grant') this.grantSiteAccess(userPrincipalName, siteUrl);
      else this.denySiteAccess(userPrincipalName, siteUrl);
      sendEmpty(context, 204);
      return true;
    }
    if (route === 'access-tokens/expire' && method === 'POST') {
      const body = await readJsonObject(context.body);
      const upn =
        typeof body['userPrincipalName'] === 'string' ? body['userPrincipalName'] : undefined;
      sendJson(context, 200, { expired: this.expireAccessTokens(upn) });
      return true;
    }
    if (route === 'refresh-tokens/expire' && method === 'POST') {
      this.expireRefreshTokens();
      sendEmpty(context, 204);
      return true;
    }
    return false;
  }
}
