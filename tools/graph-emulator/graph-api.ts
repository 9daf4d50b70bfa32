// The Graph v1.0 surface the emulator serves: sites, drives, lists and columns, driveItems by id
// and by path, children, folder creation, simple upload, createUploadSession, list item fields
// and delete. Requests reach here already authenticated (see server.ts).

import { rm } from 'node:fs/promises';
import path from 'node:path';
import { QuickXorHash } from '../../src/shared/quick-xor-hash.ts';
import { itemNotFound } from './drive-store.ts';
import type { DriveStore, ItemRecord, SiteInfo } from './drive-store.ts';
import { GraphError, readJsonObject, sendEmpty, sendJson } from './http-util.ts';
import type { RequestContext } from './http-util.ts';
import { randomToken } from './ids.ts';
import {
  badSegment,
  checkIfMatch,
  checkListItemIfMatch,
  clientFileTimes,
  conflictBehavior,
  decode,
  uploadTarget,
} from './graph-request.ts';
import type { Principal } from './access-tokens.ts';
import {
  LIBRARY_QUOTA_BYTES,
  applySelect,
  renderColumns,
  renderDrive,
  renderFields,
  renderItem,
  renderList,
  renderListItem,
  renderSite,
} from './render.ts';
import type { UploadSessionStore, UploadTarget } from './upload-sessions.ts';
import type { DownloadUrls } from './downloads.ts';
import { receiveToFile, rewriteOfficeDocument } from './uploads.ts';
import { assertValidActionBody, assertValidResourceBody } from './metadata/service-metadata.ts';
import { patchDriveItem } from './item-patch.ts';
import { DeltaFeed } from './delta/delta-feed.ts';
import type { PickerApi } from './picker/picker-api.ts';

/**
 * Largest body a simple upload (PUT …/content) accepts: "This method only supports files up to
 * 250 MB in size" (driveitem-put-content.md), read as decimal megabytes, 250,000,000 bytes.
 */
export const MAX_SIMPLE_UPLOAD_BYTES = 250_000_000;
/** Page size of children listings when the client sets no $top. */
const DEFAULT_PAGE_SIZE = 200;

/**
 * The `$select` of a driveItem request; it is also taken without the `$`, as in
 * driveitem-get-content.md's `GET /drive/items/{item-ID}?select=id,@microsoft.graph.downloadUrl`.
 */
function driveItemSelect(query: URLSearchParams): string | null {
  return query.get('$select') ?? query.get('select');
}

/** A site with its libraries. */
export interface SiteEntry {
  readonly info: SiteInfo;
  readonly drives: readonly DriveStore[];
}

/** Routes Graph API requests to sites, drives and items. */
export class GraphApi {
  readonly #sites: readonly SiteEntry[];
  readonly #uploads: UploadSessionStore;
  readonly #downloads: DownloadUrls;
  readonly #delta: DeltaFeed;
  readonly #tempDirectory: string;
  readonly #modifyOfficeDocuments: boolean;
  readonly #picker: PickerApi;

  constructor(options: {
    sites: readonly SiteEntry[];
    uploads: UploadSessionStore;
    downloads: DownloadUrls;
    delta: DeltaFeed;
    tempDirectory: string;
    modifyOfficeDocuments: boolean;
    /** `/me`, site search and drive paging, and the per-user site access check. */
    picker: PickerApi;
  }) {
    this.#sites = options.sites;
    this.#uploads = options.uploads;
    this.#downloads = options.downloads;
    this.#delta = options.delta;
    this.#tempDirectory = options.tempDirectory;
    this.#modifyOfficeDocuments = options.modifyOfficeDocuments;
    this.#picker = options.picker;
  }

  /** Whether a request is an upload operation (charged `costPerUpload` when throttling). */
  static isUploadOperation(method: string, rawPath: string): boolean {
    return (
      (method === 'PUT' && rawPath.endsWith('/content')) ||
      (method === 'POST' && rawPath.endsWith('/createUploadSession'))
    );
  }

  /** Serve one request under /v1.0 for an authenticated principal. */
  async handle(context: RequestContext, principal: Principal): Promise<void> {
    if (context.method !== 'GET' && context.method !== 'HEAD' && !principal.canWrite) {
      throw new GraphError(403, 'accessDenied', 'Access denied');
    }
    const rest = context.rawPath.slice('/v1.0'.length);
    if (this.#picker.handle(context, principal, rest)) return;
    if (rest.startsWith('/sites/')) {
      return this.#siteRoute(context, principal, rest.slice('/sites/'.length));
    }
    const drive = /^\/drives\/([^/]+)(.*)$/.exec(rest);
    if (drive) {
      const store = this.#driveById(principal, decode(drive[1] ?? ''));
      return this.#driveRoute(context, store, drive[2] ?? '');
    }
    throw badSegment(rest);
  }

  #driveById(principal: Principal, id: string): DriveStore {
    for (const site of this.#sites) {
      const store = site.drives.find((candidate) => candidate.info.id === id);
      if (store) {
        this.#picker.assertCanOpen(principal, site.info);
        return store;
      }
    }
    throw new GraphError(404, 'itemNotFound', 'The drive could not be found.');
  }

  async #siteRoute(context: RequestContext, principal: Principal, rest: string): Promise<void> {
    let site: SiteEntry | undefined;
    let remainder: string;
    const colon = rest.indexOf(':');
    if (colon > 0 && !rest.slice(0, colon).includes('/')) {
      const hostname = decode(rest.slice(0, colon)).toLowerCase();
      const after = rest.slice(colon + 1);
      const end = after.indexOf(':');
      const sitePath = (end < 0 ? after : after.slice(0, end)).split('/').map(decode).join('/');
      remainder = end < 0 ? '' : after.slice(end + 1);
      const wanted = sitePath.replace(/\/+$/, '').toLowerCase();
      site = this.#sites.find(
        (entry) =>
          entry.info.hostname.toLowerCase() === hostname &&
          entry.info.path.toLowerCase() === wanted,
      );
    } else {
      const slash = rest.indexOf('/');
      const id = decode(slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
      remainder = slash < 0 ? '' : rest.slice(slash);
      site = this.#sites.find((entry) => entry.info.id.toLowerCase() === id);
    }
    if (!site) throw new GraphError(404, 'itemNotFound', 'Requested site could not be found');
    this.#picker.assertCanOpen(principal, site.info);
    const { method } = context;
    if (remainder === '' && method === 'GET') {
      return sendJson(
        context,
        200,
        applySelect(renderSite(site.info), context.query.get('$select')),
      );
    }
    if (remainder === '/drives' && method === 'GET')
      return this.#picker.listDrives(context, site.drives);
    if (remainder === '/lists' && method === 'GET') {
      return sendJson(context, 200, { value: site.drives.map((store) => renderList(store.info)) });
    }
    const drive = /^\/drive(?:s\/([^/]+))?(\/.*)?$/.exec(remainder);
    if (drive) {
      const store =
        drive[1] === undefined ? site.drives[0] : this.#driveById(principal, decode(drive[1]));
      if (!store || !site.drives.includes(store)) throw itemNotFound();
      return this.#driveRoute(context, store, drive[2] ?? '');
    }
    const list = /^\/lists\/([^/]+)(\/columns)?$/.exec(remainder);
    if (list && method === 'GET') {
      const key = decode(list[1] ?? '').toLowerCase();
      const store = site.drives.find(
        (candidate) => candidate.info.listId === key || candidate.info.name.toLowerCase() === key,
      );
      if (!store) throw new GraphError(404, 'itemNotFound', 'The list could not be found.');
      return list[2]
        ? sendJson(context, 200, { value: renderColumns(store.info) })
        : sendJson(context, 200, renderList(store.info));
    }
    throw badSegment(remainder);
  }

  async #driveRoute(context: RequestContext, store: DriveStore, rest: string): Promise<void> {
    const { method } = context;
    if (rest === '' && method === 'GET') {
      return sendJson(
        context,
        200,
        applySelect(
          renderDrive(store.info, store.folderSize(store.root)),
          context.query.get('$select'),
        ),
      );
    }
    if (rest === '/list' && method === 'GET') return sendJson(context, 200, renderList(store.info));
    if (rest === '/list/columns' && method === 'GET') {
      return sendJson(context, 200, { value: renderColumns(store.info) });
    }
    if (rest.startsWith('/root'))
      return this.#itemRoute(context, store, store.root, rest.slice('/root'.length));
    const item = /^\/items\/([^/:]+)(.*)$/.exec(rest);
    if (item) {
      const base = store.get(decode(item[1] ?? ''));
      if (!base) throw itemNotFound();
      return this.#itemRoute(context, store, base, item[2] ?? '');
    }
    throw badSegment(rest);
  }

  async #itemRoute(
    context: RequestContext,
    store: DriveStore,
    base: ItemRecord,
    rest: string,
  ): Promise<void> {
    let segments: string[] = [];
    let action = rest;
    if (rest.startsWith(':')) {
      const after = rest.slice(1);
      const end = after.indexOf(':');
      segments = (end < 0 ? after : after.slice(0, end))
        .split('/')
        .filter((part) => part !== '')
        .map(decode);
      action = end < 0 ? '' : after.slice(end + 1);
    }
    const { method } = context;
    const addressed = store.resolve(base, segments);
    const existing = (): ItemRecord => {
      if (!addressed) throw itemNotFound();
      return addressed;
    };
    if (method === 'GET' && DeltaFeed.isDeltaAction(action)) {
      return this.#delta.handle(context, store, existing(), action, {
        resync: context.fault?.resyncDelta === true,
        repeatItems: context.fault?.repeatDeltaItems === true,
      });
    }
    const select = driveItemSelect(context.query);
    switch (`${method} ${action}`) {
      case 'GET ':
        return sendJson(
          context,
          200,
          applySelect(this.#renderForGet(context, store, existing()), select),
        );
      case 'DELETE ':
        await store.deleteItem(existing());
        return sendEmpty(context, 204);
      case 'PATCH ':
        return patchDriveItem(context, store, existing());
      case 'GET /children':
        return this.#listChildren(context, store, existing());
      case 'POST /children':
        return this.#createFolder(context, store, existing());
      case 'GET /content':
        return this.#redirectToDownload(context, store, existing());
      case 'PUT /content':
        return this.#simpleUpload(context, store, uploadTarget(store, base, segments, addressed));
      case 'POST /createUploadSession':
        return this.#createUploadSession(
          context,
          store,
          uploadTarget(store, base, segments, addressed),
        );
      case 'GET /listItem':
        return sendJson(context, 200, renderListItem(store, existing()));
      case 'GET /listItem/fields':
        return sendJson(context, 200, renderFields(store, existing()));
      case 'PATCH /listItem/fields': {
        const item = existing();
        const fields = await readJsonObject(context.body);
        assertValidResourceBody('microsoft.graph.fieldValueSet', fields);
        checkListItemIfMatch(context, item);
        store.updateFields(item, fields);
        return sendJson(context, 200, renderFields(store, item));
      }
      default:
        throw badSegment(action || rest);
    }
  }

  #listChildren(context: RequestContext, store: DriveStore, folder: ItemRecord): void {
    if (!folder.isFolder)
      throw new GraphError(400, 'invalidRequest', 'Only folders have children.');
    const top = Math.max(
      1,
      Math.min(Number(context.query.get('$top') ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE, 999),
    );
    const skip = Math.max(0, Number(context.query.get('$skiptoken') ?? 0) || 0);
    const children = [...folder.children.values()].sort((a, b) => a.name.localeCompare(b.name));
    const page = children.slice(skip, skip + top);
    const body: Record<string, unknown> = {
      value: page.map((child) =>
        applySelect(this.#renderForGet(context, store, child), driveItemSelect(context.query)),
      ),
    };
    if (skip + top < children.length) {
      const next = new URL(`${context.origin}${context.rawPath}`);
      for (const [key, value] of context.query)
        if (key !== '$skiptoken') next.searchParams.set(key, value);
      next.searchParams.set('$skiptoken', String(skip + top));
      body['@odata.nextLink'] = next.toString();
    }
    sendJson(context, 200, body);
  }

  async #createFolder(
    context: RequestContext,
    store: DriveStore,
    parent: ItemRecord,
  ): Promise<void> {
    const body = await readJsonObject(context.body);
    assertValidResourceBody('microsoft.graph.driveItem', body);
    if (typeof body['name'] !== 'string') {
      throw new GraphError(400, 'invalidRequest', 'Invalid request: a "name" is required.');
    }
    if (typeof body['folder'] !== 'object' || body['folder'] === null) {
      throw new GraphError(
        400,
        'invalidRequest',
        'Invalid request: only folders ("folder": {}) can be created here.',
      );
    }
    const behavior = conflictBehavior(
      body['@microsoft.graph.conflictBehavior'] ??
        context.query.get('@microsoft.graph.conflictBehavior'),
      'fail',
    );
    const { item, created } = await store.createFolder(parent, body['name'], behavior);
    sendJson(context, created ? 201 : 200, renderItem(store, item));
  }

  /**
   * A driveItem as GET returns it: a file carries `@microsoft.graph.downloadUrl`, which "is only
   * returned on GET" and is short-lived (driveitem.md, Instance Attributes); `$select` keeps it
   * only when it is named, as in driveitem-get-content.md's `select=id,@microsoft.graph.downloadUrl`.
   */
  #renderForGet(
    context: RequestContext,
    store: DriveStore,
    item: ItemRecord,
  ): Record<string, unknown> {
    const json = renderItem(store, item);
    if (!item.isFolder) {
      json['@microsoft.graph.downloadUrl'] = this.#downloads.issue(
        store,
        item,
        context.origins.sharePoint,
      );
    }
    return json;
  }

  /**
   * `GET …/content`: 302 Found to a pre-authenticated download URL on the SharePoint host
   * (driveitem-get-content.md, Response); `if-none-match` with the current eTag or cTag → 304.
   */
  #redirectToDownload(context: RequestContext, store: DriveStore, item: ItemRecord): void {
    if (item.isFolder) throw new GraphError(400, 'invalidRequest', 'Folders have no content.');
    const { eTag, cTag } = renderItem(store, item) as { eTag: string; cTag: string };
    const ifNoneMatch = context.request.headers['if-none-match'];
    // Entity tags are quoted and SharePoint's contain commas: match whole quoted tags.
    const presented = ifNoneMatch?.match(/\*|"[^"]*"/g) ?? [];
    if (presented.some((tag) => [eTag, cTag, '*'].includes(tag))) {
      return sendEmpty(context, 304, { etag: eTag });
    }
    sendEmpty(context, 302, {
      location: this.#downloads.issue(store, item, context.origins.sharePoint),
    });
  }

  async #simpleUpload(
    context: RequestContext,
    store: DriveStore,
    target: UploadTarget,
  ): Promise<void> {
    const declared = context.request.headers['content-length'];
    if (declared !== undefined && Number(declared) > MAX_SIMPLE_UPLOAD_BYTES) {
      throw new GraphError(
        413,
        'invalidRequest',
        'Simple upload is limited to 250 MB (250,000,000 bytes); use an upload session for larger files.',
        {
          innerCode: 'maxFileSizeExceeded',
          headers: { connection: 'close' },
        },
      );
    }
    const behavior = conflictBehavior(
      context.query.get('@microsoft.graph.conflictBehavior'),
      'replace',
    );
    checkIfMatch(context, target.kind === 'existing' ? target.item : undefined);
    const tempPath = path.join(this.#tempDirectory, `${randomToken(12)}.simple`);
    let isCommitted = false;
    try {
      const hash = new QuickXorHash();
      let size = await receiveToFile(context.body, tempPath, {
        start: 0,
        maxBytes: declared === undefined ? MAX_SIMPLE_UPLOAD_BYTES : Number(declared),
        hash,
        truncate: true,
      });
      if (declared !== undefined && size !== Number(declared)) {
        throw new GraphError(400, 'invalidRequest', `Received ${size} of ${declared} bytes.`);
      }
      const name = target.kind === 'new' ? target.name : target.item.name;
      if (this.#modifyOfficeDocuments) size += await rewriteOfficeDocument(tempPath, name, hash);
      const upload = { tempPath, size, quickXorHash: hash.digest() };
      const { item, created } =
        target.kind === 'new'
          ? await store.commitFile(
              { parent: await store.ensureFolders(target.base, target.folderSegments), name },
              upload,
              behavior,
            )
          : await store.commitFile({ item: target.item }, upload, 'replace');
      isCommitted = true;
      sendJson(context, created ? 201 : 200, renderItem(store, item));
    } finally {
      // Once committed, the temp file was renamed into place: nothing is left to remove.
      if (!isCommitted) await rm(tempPath, { force: true });
    }
  }

  async #createUploadSession(
    context: RequestContext,
    store: DriveStore,
    target: UploadTarget,
  ): Promise<void> {
    const body = await readJsonObject(context.body);
    assertValidActionBody('microsoft.graph.driveItem', 'createUploadSession', body);
    const item = (
      typeof body['item'] === 'object' && body['item'] !== null ? body['item'] : {}
    ) as Record<string, unknown>;
    checkIfMatch(context, target.kind === 'existing' ? target.item : undefined);
    const behavior = conflictBehavior(
      item['@microsoft.graph.conflictBehavior'] ??
        context.query.get('@microsoft.graph.conflictBehavior'),
      'fail',
    );
    const fileSize = typeof item['fileSize'] === 'number' ? item['fileSize'] : undefined;
    // "If the fileSize parameter is specified and exceeds the available quota, a 507 Insufficient
    // Storage response is returned and the upload session won't be created."
    // (driveitem-createuploadsession.md)
    if (fileSize !== undefined && fileSize > LIBRARY_QUOTA_BYTES - store.folderSize(store.root)) {
      throw new GraphError(
        507,
        'quotaLimitReached',
        `The file (${fileSize} bytes) is larger than the library's remaining quota.`,
      );
    }
    sendJson(
      context,
      200,
      await this.#uploads.create(store, target, behavior, fileSize, context.origins, {
        fileSystemInfo: clientFileTimes(item['fileSystemInfo']),
        isCommitDeferred: body['deferCommit'] === true,
      }),
    );
  }
}
