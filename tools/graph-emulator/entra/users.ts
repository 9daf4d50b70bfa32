// The emulated tenant's users: who can sign in on the authorize and device login pages, the
// claims their tokens carry (oid, tid, upn, name), when their sign-in sessions were revoked,
// and which SharePoint sites each may open.

import { guidFrom } from '../ids.ts';

/** A user of the emulated directory. */
export interface EmulatorUserOptions {
  /** Sign-in name, also the token's `upn` and `preferred_username`, e.g. 'dana@contoso.example'. */
  userPrincipalName: string;
  /** The token's `name`, e.g. 'Dana Site'. */
  displayName: string;
  /** Object id (`oid`). Default: a GUID derived from the user principal name. */
  objectId?: string;
  /** Home tenant (`tid`). Default: the first client's tenant. */
  tenantId?: string;
  /**
   * Sites the user may open, by web URL (`https://contoso.sharepoint.com/sites/SiteOffice`,
   * case-insensitive). Default: every site. `[]`: none.
   */
  sites?: string[];
  /** Sites the user follows (`/me/followedSites`), by web URL. Default: every site it may open. */
  followedSites?: string[];
}

/** The demo user that demo mode signs in. */
export const DEMO_USER_PRINCIPAL_NAME = 'dana@contoso.example';
/** The demo user's display name. */
export const DEMO_USER_DISPLAY_NAME = 'Dana Site';
/** A user of the same tenant who has no access to any site. */
export const OUTSIDER_USER_PRINCIPAL_NAME = 'sam@contoso.example';

/** The users an emulator has unless its options say otherwise. */
export function defaultUsers(): EmulatorUserOptions[] {
  return [
    { userPrincipalName: DEMO_USER_PRINCIPAL_NAME, displayName: DEMO_USER_DISPLAY_NAME },
    { userPrincipalName: OUTSIDER_USER_PRINCIPAL_NAME, displayName: 'Sam Outsider', sites: [] },
  ];
}

/** A user as the directory holds it. */
export interface DirectoryUser {
  readonly objectId: string;
  readonly tenantId: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
  /** Refresh tokens and sessions issued before this instant (epoch ms) are revoked. */
  tokensValidFromMs: number;
  /** Sites granted by web URL (lowercase); undefined: every site not denied. */
  grantedSites: Set<string> | undefined;
  /** Sites denied by web URL (lowercase). */
  readonly deniedSites: Set<string>;
  /** Followed sites by web URL (lowercase); undefined: every site the user may open. */
  readonly followedSites: Set<string> | undefined;
}

function siteKey(webUrl: string): string {
  return webUrl.replace(/\/+$/, '').toLowerCase();
}

/** The users of the emulated tenant(s). */
export class UserDirectory {
  readonly #users: DirectoryUser[] = [];
  readonly #defaultTenantId: string;

  constructor(users: readonly EmulatorUserOptions[], defaultTenantId: string) {
    this.#defaultTenantId = defaultTenantId;
    for (const user of users) this.add(user);
  }

  /** Every user, in the order added. */
  all(): readonly DirectoryUser[] {
    return this.#users;
  }

  /** The users of one tenant, or of every tenant for `organizations` / `common`. */
  inTenant(tenant: string): DirectoryUser[] {
    const wanted = tenant.toLowerCase();
    if (wanted === 'organizations' || wanted === 'common') return [...this.#users];
    return this.#users.filter((user) => user.tenantId.toLowerCase() === wanted);
  }

  byPrincipalName(userPrincipalName: string): DirectoryUser | undefined {
    const wanted = userPrincipalName.toLowerCase();
    return this.#users.find((user) => user.userPrincipalName.toLowerCase() === wanted);
  }

  byObjectId(objectId: string): DirectoryUser | undefined {
    return this.#users.find((user) => user.objectId === objectId);
  }

  /** Add a user; throws when the principal name is taken or malformed. */
  add(options: EmulatorUserOptions): DirectoryUser {
    if (!/^[^@\s]+@[^@\s]+$/.test(options.userPrincipalName)) {
      throw new Error(
        `users[].userPrincipalName must look like name@domain: got "${options.userPrincipalName}"`,
      );
    }
    if (this.byPrincipalName(options.userPrincipalName)) {
      throw new Error(`users[].userPrincipalName "${options.userPrincipalName}" is taken`);
    }
    const user: DirectoryUser = {
      objectId: options.objectId ?? guidFrom(`user:${options.userPrincipalName.toLowerCase()}`),
      tenantId: options.tenantId ?? this.#defaultTenantId,
      userPrincipalName: options.userPrincipalName,
      displayName: options.displayName,
      tokensValidFromMs: 0,
      grantedSites: options.sites === undefined ? undefined : new Set(options.sites.map(siteKey)),
      deniedSites: new Set(),
      followedSites:
        options.followedSites === undefined
          ? undefined
          : new Set(options.followedSites.map(siteKey)),
    };
    this.#users.push(user);
    return user;
  }

  /**
   * Revoke the user's refresh tokens and sign-in sessions, as Graph's `user: revokeSignInSessions`
   * does: tokens issued before now stop working (the token endpoint answers AADSTS50173).
   */
  revokeSignInSessions(user: DirectoryUser): void {
    // Strictly after every token issued so far, even within the same millisecond.
    user.tokensValidFromMs = Date.now() + 1;
  }

  /** Whether the user may open the site with this web URL. */
  canOpenSite(user: DirectoryUser, webUrl: string): boolean {
    const key = siteKey(webUrl);
    if (user.deniedSites.has(key)) return false;
    return user.grantedSites === undefined || user.grantedSites.has(key);
  }

  /** Whether the user follows the site with this web URL (and may still open it). */
  followsSite(user: DirectoryUser, webUrl: string): boolean {
    if (!this.canOpenSite(user, webUrl)) return false;
    return user.followedSites === undefined || user.followedSites.has(siteKey(webUrl));
  }

  /** Let the user open the site (by web URL). */
  grantSite(user: DirectoryUser, webUrl: string): void {
    const key = siteKey(webUrl);
    user.deniedSites.delete(key);
    user.grantedSites?.add(key);
  }

  /** Take the site (by web URL) away from the user. */
  denySite(user: DirectoryUser, webUrl: string): void {
    const key = siteKey(webUrl);
    user.deniedSites.add(key);
    user.grantedSites?.delete(key);
  }
}
