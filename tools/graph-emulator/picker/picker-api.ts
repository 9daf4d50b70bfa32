// What a site picker asks Graph after a user signs in: who am I (`/me`), the sites the user
// follows (`/me/followedSites`), site search (`/sites?search=`), and a site's libraries in pages
// (`/sites/{id}/drives`). Site access is per user: a delegated token reaches only the sites its
// user may open (403 accessDenied otherwise), as SharePoint trims by the user's permissions.

import type { Principal } from '../access-tokens.ts';
import type { DriveStore, SiteInfo } from '../drive-store.ts';
import { GraphError, sendJson } from '../http-util.ts';
import type { RequestContext } from '../http-util.ts';
import { renderDrive, renderSite } from '../render.ts';
import type { DirectoryUser, UserDirectory } from '../entra/users.ts';
import { sendPage } from './paging.ts';

/** Default page size of a drive listing (drive-list.md supports `$top` and `$skipToken`). */
const DEFAULT_DRIVE_PAGE_SIZE = 200;
/** Delegated permissions that read sites (sites-list-followed.md, site-search.md). */
const SITE_READ_PERMISSIONS = [
  'Sites.Read.All',
  'Sites.ReadWrite.All',
  'Sites.Manage.All',
  'Sites.FullControl.All',
];
/** Delegated permissions that read the signed-in user's profile (user-get.md). */
const USER_READ_PERMISSIONS = [
  'User.Read',
  'User.ReadWrite',
  'User.ReadBasic.All',
  'User.Read.All',
  'User.ReadWrite.All',
];

/** A site with its libraries, as the picker sees it. */
export interface PickerSite {
  readonly info: SiteInfo;
  readonly drives: readonly DriveStore[];
}

/** Serves the picker's Graph calls and checks per-user site access. */
export class PickerApi {
  readonly #sites: readonly PickerSite[];
  readonly #users: UserDirectory;

  constructor(options: { sites: readonly PickerSite[]; users: UserDirectory }) {
    this.#sites = options.sites;
    this.#users = options.users;
  }

  /** Serve `/me…` and `/sites?search=` (`rest` is the path after /v1.0); false if neither. */
  handle(context: RequestContext, principal: Principal, rest: string): boolean {
    if (context.method !== 'GET') return false;
    if (rest === '/me') {
      const user = this.#delegatedUser(principal, USER_READ_PERMISSIONS);
      sendJson(context, 200, renderUser(user, context.origin));
      return true;
    }
    if (rest === '/me/followedSites') {
      const user = this.#delegatedUser(principal, SITE_READ_PERMISSIONS);
      const followed = this.#sites.filter((site) =>
        this.#users.followsSite(user, site.info.webUrl),
      );
      sendJson(context, 200, { value: followed.map((site) => renderFollowedSite(site.info)) });
      return true;
    }
    if (rest === '/sites' && context.query.has('search')) {
      this.#searchSites(context, principal);
      return true;
    }
    return false;
  }

  /**
   * Refuse a delegated principal whose user may not open `site` (403 accessDenied, Graph's
   * answer for a resource the user has no permission on). App-only principals pass.
   */
  assertCanOpen(principal: Principal, site: SiteInfo): void {
    if (principal.user === undefined) return;
    const user = this.#users.byObjectId(principal.user.objectId);
    if (!user || !this.#users.canOpenSite(user, site.webUrl)) {
      throw new GraphError(403, 'accessDenied', 'Access denied');
    }
  }

  /** `GET /sites/{id}/drives`: the site's libraries, paged by `$top` with `@odata.nextLink`. */
  listDrives(context: RequestContext, drives: readonly DriveStore[]): void {
    const rendered = drives.map((store) => renderDrive(store.info, store.folderSize(store.root)));
    sendPage(context, rendered, DEFAULT_DRIVE_PAGE_SIZE);
  }

  /**
   * `GET /sites?search={query}`: a free-text match on name, display name, description and URL
   * (site-search.md), trimmed to the sites a delegated user may open; `*` matches every site and
   * no match is an empty collection.
   */
  #searchSites(context: RequestContext, principal: Principal): void {
    if (principal.user !== undefined) this.#delegatedUser(principal, SITE_READ_PERMISSIONS);
    const query = (context.query.get('search') ?? '').trim().toLowerCase();
    const words = query === '*' ? [] : query.split(/\s+/).filter((word) => word !== '');
    const matches =
      query === '*'
        ? this.#sites
        : this.#sites.filter((site) => {
            const { name, displayName, webUrl } = site.info;
            const text = `${name} ${displayName} ${webUrl}`.toLowerCase();
            return words.length > 0 && words.every((word) => text.includes(word));
          });
    const visible = matches.filter((site) => {
      try {
        this.assertCanOpen(principal, site.info);
        return true;
      } catch {
        return false;
      }
    });
    sendJson(context, 200, { value: visible.map((site) => renderSearchedSite(site.info)) });
  }

  /** The signed-in user of a delegated token holding one of `permissions`. */
  #delegatedUser(principal: Principal, permissions: readonly string[]): DirectoryUser {
    const user =
      principal.user === undefined ? undefined : this.#users.byObjectId(principal.user.objectId);
    if (!user) {
      throw new GraphError(
        400,
        'BadRequest',
        '/me request is only valid with delegated authentication flow.',
      );
    }
    if (!(principal.scopes ?? []).some((scope) => permissions.includes(scope))) {
      throw new GraphError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    }
    return user;
  }
}

/** A user resource as `GET /me` returns it (user-get.md, default properties). */
function renderUser(user: DirectoryUser, origin: string): Record<string, unknown> {
  const [givenName = '', ...rest] = user.displayName.split(' ');
  return {
    '@odata.context': `${origin}/v1.0/$metadata#users/$entity`,
    businessPhones: [],
    displayName: user.displayName,
    givenName,
    jobTitle: null,
    mail: user.userPrincipalName,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: rest.join(' ') || null,
    userPrincipalName: user.userPrincipalName,
    id: user.objectId,
  };
}

/** A followed site, with `sharepointIds` and `siteCollection` (sites-list-followed.md, Response). */
function renderFollowedSite(site: SiteInfo): Record<string, unknown> {
  const [, siteId = '', webId = ''] = site.id.split(',');
  return {
    id: site.id,
    displayName: site.displayName,
    webUrl: site.webUrl,
    sharepointIds: { listItemId: '1', siteId, siteUrl: site.webUrl, webId },
    siteCollection: { hostname: site.hostname },
  };
}

/** A site as search returns it (site-search.md, Response): no `root` or `siteCollection`. */
function renderSearchedSite(site: SiteInfo): Record<string, unknown> {
  const { id, name, displayName, description, createdDateTime, lastModifiedDateTime, webUrl } =
    renderSite(site);
  return { id, name, displayName, description, createdDateTime, lastModifiedDateTime, webUrl };
}
