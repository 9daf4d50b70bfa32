import { DeliveryError, type FailureContext } from '../errors.ts';
import { parseJson } from './check-response.ts';
import { sendChecked, type CheckedCallParts } from './checked-call.ts';
import { encodePath } from './graph-client.ts';

/** A site as the picker shows it: its id is stored, its name and address are shown. */
export interface PickedSite {
  id: string;
  name: string;
  webUrl: string;
}

/** A document library (a drive) of a site. */
export interface PickedLibrary {
  id: string;
  name: string;
  webUrl: string;
}

/** A folder of a library, with its path from the library's top level ('' for the top). */
export interface PickedFolder {
  id: string;
  name: string;
  path: string;
  childCount: number;
}

/** A pasted site address resolved: the site, and the library the address points into, if any. */
export interface PastedSite {
  site: PickedSite;
  libraryId: string | null;
}

/** Graph's site fields the picker reads (followedSites, search and the site by path). */
const siteSelect = '$select=id,displayName,name,webUrl';
const driveSelect = '$select=id,name,webUrl';
const folderSelect = '$select=id,name,folder,parentReference';

/**
 * The Graph calls of the site, library and folder picker, each through the shared policy stack
 * (the Retry-After gate and the breaker that uploads meet too), every collection followed along
 * its `@odata.nextLink` to the last page (links are opaque: followed as given, and never to
 * another host, which would be handed the token).
 */
export class SitePicker {
  readonly #parts: CheckedCallParts;

  constructor(parts: CheckedCallParts) {
    this.#parts = parts;
  }

  /** The sites the signed-in person follows (`/me/followedSites`). */
  async followedSites(signal: AbortSignal): Promise<PickedSite[]> {
    const sites = await this.#collect(`/me/followedSites?${siteSelect}`, signal, {
      action: 'listing the sites you follow',
    });
    return sites.map(toSite);
  }

  /** Sites whose name or address match `query` (`/sites?search=`). */
  async searchSites(query: string, signal: AbortSignal): Promise<PickedSite[]> {
    const sites = await this.#collect(
      `/sites?search=${encodeURIComponent(query)}&${siteSelect}`,
      signal,
      { action: `searching for sites matching "${query}"` },
    );
    return sites.map(toSite);
  }

  /**
   * The site of a pasted site or library address (`https://host/sites/name[/library/...]`), by
   * `/sites/{host}:/{path}`: the one way to find a site that works with Sites.Selected.
   *
   * @throws DeliveryError `picker.not-a-site-address` for an address that names no site.
   */
  async siteByUrl(address: string, signal: AbortSignal): Promise<PastedSite> {
    const { hostname, sitePath, rest } = parseSiteAddress(address);
    const body = await this.#get(`/sites/${hostname}:/${encodePath(sitePath)}?${siteSelect}`, {
      signal,
      context: { action: `opening the site https://${hostname}/${sitePath}`, notFound: 'site' },
    });
    const site = toSite(body);
    if (rest.length === 0) return { site, libraryId: null };
    const libraries = await this.libraries(site.id, signal);
    const pasted = `${site.webUrl.replace(/\/+$/, '')}/${rest.join('/')}`.toLowerCase();
    const library = libraries.find((candidate) => {
      const libraryUrl = decodeURIComponent(candidate.webUrl).toLowerCase();
      return pasted === libraryUrl || pasted.startsWith(`${libraryUrl}/`);
    });
    return { site, libraryId: library?.id ?? null };
  }

  /** A site's document libraries (`/sites/{id}/drives`). */
  async libraries(siteId: string, signal: AbortSignal): Promise<PickedLibrary[]> {
    const drives = await this.#collect(
      `/sites/${encodeURIComponent(siteId)}/drives?${driveSelect}`,
      signal,
      { action: "listing the site's document libraries", notFound: 'site' },
    );
    return drives.map((drive) => ({
      id: String(drive.id),
      name: String(drive.name),
      webUrl: String(drive.webUrl ?? ''),
    }));
  }

  /**
   * A folder of a library (its top level when `itemId` is absent) and the folders directly in
   * it; files are left out, since files go into folders.
   */
  async folders(
    driveId: string,
    itemId: string | undefined,
    signal: AbortSignal,
  ): Promise<{ folder: PickedFolder; folders: PickedFolder[] }> {
    const drive = `/drives/${encodeURIComponent(driveId)}`;
    const item =
      itemId === undefined ? `${drive}/root` : `${drive}/items/${encodeURIComponent(itemId)}`;
    const context: FailureContext = { action: 'browsing the library', notFound: 'library' };
    const folder = toFolder(await this.#get(`${item}?${folderSelect}`, { signal, context }));
    const children = await this.#collect(`${item}/children?${folderSelect}`, signal, context);
    const folders = children.filter((child) => child.folder !== undefined).map(toFolder);
    return { folder: itemId === undefined ? { ...folder, path: '' } : folder, folders };
  }

  /** Every item of a collection, page after page until no `@odata.nextLink` is left. */
  async #collect(
    firstPath: string,
    signal: AbortSignal,
    context: FailureContext,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let path: string | undefined = firstPath;
    while (path !== undefined) {
      const body = await this.#get(path, { signal, context });
      items.push(...((body.value ?? []) as Record<string, unknown>[]));
      const next = body['@odata.nextLink'];
      if (typeof next !== 'string') break;
      path = this.#parts.graph.pathOfLink(next);
      if (path === undefined) {
        throw new DeliveryError(
          `Microsoft Graph pointed the next page elsewhere while ${context.action}; SiteDrop does not send its sign-in to another host`,
          { kind: 'permanent', code: 'graph.foreign-link' },
        );
      }
    }
    return items;
  }

  async #get(
    path: string,
    options: { signal: AbortSignal; context: FailureContext },
  ): Promise<Record<string, unknown>> {
    const response = await sendChecked(
      this.#parts,
      { method: 'GET', path, signal: options.signal },
      options.context,
      { timeout: 'request' },
    );
    return parseJson(response);
  }
}

/**
 * The host, the site's path (`sites/name` or `teams/name`) and what follows it, of a pasted
 * address.
 */
export function parseSiteAddress(address: string): {
  hostname: string;
  sitePath: string;
  rest: string[];
} {
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    throw notASiteAddress(address);
  }
  const segments = url.pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment));
  const [kind, name, ...rest] = segments;
  if (
    url.protocol !== 'https:' ||
    !kind ||
    !name ||
    !['sites', 'teams'].includes(kind.toLowerCase())
  ) {
    throw notASiteAddress(address);
  }
  return { hostname: url.hostname, sitePath: `${kind}/${name}`, rest };
}

function notASiteAddress(address: string): DeliveryError {
  return new DeliveryError(
    `"${address.slice(0, 200)}" is not a SharePoint site address: paste one like https://contoso.sharepoint.com/sites/Office (or a library's address on that site)`,
    { kind: 'config', code: 'picker.not-a-site-address' },
  );
}

function toSite(site: Record<string, unknown>): PickedSite {
  const name = site.displayName ?? site.name ?? site.webUrl;
  return { id: String(site.id), name: String(name), webUrl: String(site.webUrl ?? '') };
}

/** A driveItem folder, its path read from `parentReference.path` (`/drives/{id}/root:/a/b`). */
function toFolder(item: Record<string, unknown>): PickedFolder {
  const name = String(item.name ?? '');
  const parentPath = (item.parentReference as { path?: unknown } | undefined)?.path;
  const parent =
    typeof parentPath === 'string' && parentPath.includes('root:')
      ? decodeURIComponent(parentPath.slice(parentPath.indexOf('root:') + 'root:'.length))
      : '';
  const path = [...parent.split('/'), name].filter((segment) => segment !== '').join('/');
  const childCount = Number((item.folder as { childCount?: unknown } | undefined)?.childCount ?? 0);
  return { id: String(item.id), name, path, childCount };
}
