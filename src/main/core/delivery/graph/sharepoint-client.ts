import type { Clock } from '../../lifecycle/index.ts';
import { DeliveryError, type FailureContext } from '../errors.ts';
import { checkResponse, parseJson } from './check-response.ts';
import { encodePath, type GraphCall, type GraphClient } from './graph-client.ts';
import { sendChecked } from './checked-call.ts';
import type { FileRange, HttpResponse, HttpTransport } from './http-transport.ts';
import type { DeliveryPolicies, TimeoutKind } from '../resilience/index.ts';
import { buildUploadSessionBody, type UploadSessionFile } from './upload-session-body.ts';

/** A file or folder in a library, as much of a driveItem as delivery uses. */
export interface DriveItem {
  id: string;
  name: string;
  size: number;
  webUrl: string;
  isFolder: boolean;
  quickXorHash: string | null;
}

/** An upload session's state. */
export interface UploadSessionState {
  /** The first byte the session still needs, or null when it needs none. */
  nextOffset: number | null;
  expiresAt: number | null;
}

/** What sending one fragment led to. */
export type FragmentResult =
  | { kind: 'accepted'; nextOffset: number | null; expiresAt: number | null }
  | { kind: 'completed'; item: DriveItem };

/** How to resolve a name that is taken (the folder's `conflict` setting). */
export type ConflictBehavior = 'rename' | 'replace' | 'fail';

/**
 * The SharePoint operations delivery needs, each one Graph (or upload URL) request run through
 * the shared policy stack, with failures classified in the words of what was being done.
 *
 * Upload URLs are bearer capabilities: they are sent without an Authorization header, never
 * logged, and never appear in an error message (docs/delivery.md, step 5).
 */
export class SharePointClient {
  readonly #graph: GraphClient;
  readonly #transport: HttpTransport;
  readonly #policies: DeliveryPolicies;
  readonly #clock: Clock;

  constructor(options: {
    graph: GraphClient;
    transport: HttpTransport;
    policies: DeliveryPolicies;
    clock: Clock;
  }) {
    this.#graph = options.graph;
    this.#transport = options.transport;
    this.#policies = options.policies;
    this.#clock = options.clock;
  }

  /** The site id of a site URL (https://host/sites/name). */
  async getSiteId(siteUrl: string, signal: AbortSignal): Promise<string> {
    const url = new URL(siteUrl);
    const sitePath = encodePath(url.pathname);
    const body = await this.#graphJson(
      { method: 'GET', path: `/sites/${url.hostname}:/${sitePath}?$select=id`, signal },
      { action: `finding the site ${url.origin}${url.pathname}`, notFound: 'site' },
    );
    return String(body.id);
  }

  /** The drive id of a document library, by its display name (case-insensitive). */
  async getDriveId(siteId: string, library: string, signal: AbortSignal): Promise<string> {
    const context: FailureContext = {
      action: `finding the library "${library}"`,
      notFound: 'site',
    };
    const body = await this.#graphJson(
      {
        method: 'GET',
        path: `/sites/${encodeURIComponent(siteId)}/drives?$select=id,name`,
        signal,
      },
      context,
    );
    const drives = (body.value ?? []) as { id: string; name: string }[];
    const drive = drives.find(
      (candidate) => candidate.name.toLowerCase() === library.toLowerCase(),
    );
    if (!drive) {
      const names = drives.map((candidate) => `"${candidate.name}"`).join(', ');
      throw new DeliveryError(
        `The library "${library}" does not exist on the site (it has ${names || 'no libraries'}): set sharepoint.library or the folder's target.library to one of them`,
        { kind: 'config', code: 'config.library-not-found' },
      );
    }
    return drive.id;
  }

  /** The internal names of a library's columns. */
  async listColumnNames(driveId: string, signal: AbortSignal): Promise<string[]> {
    const body = await this.#graphJson(
      { method: 'GET', path: `/drives/${encodeURIComponent(driveId)}/list/columns`, signal },
      { action: 'reading the library columns', notFound: 'library' },
    );
    return ((body.value ?? []) as { name: string }[]).map((column) => column.name);
  }

  /** The item at a library-relative path, or undefined when nothing is there. */
  getItemByPath(
    driveId: string,
    path: string,
    signal: AbortSignal,
  ): Promise<DriveItem | undefined> {
    return this.#getDriveItem(
      this.#itemPath(driveId, path),
      `looking at "${path}" in SharePoint`,
      signal,
    );
  }

  /** A drive item by its id, or undefined when it no longer exists (404). */
  getItemById(
    driveId: string,
    itemId: string,
    label: string,
    signal: AbortSignal,
  ): Promise<DriveItem | undefined> {
    const itemPath = `/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}`;
    return this.#getDriveItem(itemPath, `reading "${label}" in SharePoint again`, signal);
  }

  async #getDriveItem(
    itemPath: string,
    action: string,
    signal: AbortSignal,
  ): Promise<DriveItem | undefined> {
    const response = await this.#graphCall(
      { method: 'GET', path: itemPath, signal },
      { action, notFound: 'item' },
      'request',
      [404],
    );
    if (response.status === 404) return undefined;
    return toDriveItem(parseJson(response));
  }

  /**
   * Creates a folder in a parent folder; a folder that already exists (409, e.g. created by a
   * concurrent upload) is fine.
   */
  async createFolder(
    driveId: string,
    parentPath: string,
    name: string,
    signal: AbortSignal,
  ): Promise<void> {
    const parent =
      parentPath === ''
        ? `/drives/${encodeURIComponent(driveId)}/root`
        : this.#itemPath(driveId, parentPath);
    await this.#graphCall(
      {
        method: 'POST',
        path: `${parent}/children`,
        body: JSON.stringify({
          name,
          folder: {},
          '@microsoft.graph.conflictBehavior': 'fail',
        }),
        contentType: 'application/json',
        signal,
      },
      { action: `creating the folder "${parentPath ? `${parentPath}/` : ''}${name}"` },
      'request',
      [409],
    );
  }

  /** Uploads a whole file in one PUT (zero-byte and small files). */
  async uploadSmallFile(
    driveId: string,
    path: string,
    content: Buffer,
    conflict: ConflictBehavior,
    signal: AbortSignal,
  ): Promise<DriveItem> {
    const body = await this.#graphJson(
      {
        method: 'PUT',
        path: `${this.#itemPath(driveId, path)}/content?@microsoft.graph.conflictBehavior=${conflict}`,
        body: content,
        contentType: 'application/octet-stream',
        signal,
      },
      { action: `uploading "${path}"` },
      'simple-upload',
      conflict === 'replace',
    );
    return toDriveItem(body);
  }

  /**
   * Opens an upload session for a file: its size, conflict behaviour and local times go in the
   * action's `item` parameter (buildUploadSessionBody).
   */
  async createUploadSession(
    driveId: string,
    path: string,
    file: UploadSessionFile,
    signal: AbortSignal,
  ): Promise<{ uploadUrl: string; expiresAt: number | null }> {
    const body = await this.#graphJson(
      {
        method: 'POST',
        path: `${this.#itemPath(driveId, path)}/createUploadSession`,
        body: JSON.stringify(buildUploadSessionBody(file)),
        contentType: 'application/json',
        signal,
      },
      { action: `starting the upload of "${path}"` },
    );
    if (typeof body.uploadUrl !== 'string') {
      throw new DeliveryError('SharePoint opened an upload session without an upload URL', {
        kind: 'transient',
        code: 'upload.no-session-url',
      });
    }
    return { uploadUrl: body.uploadUrl, expiresAt: parseDate(body.expirationDateTime) };
  }

  /**
   * Asks an upload session which bytes it still needs (GET, without Authorization).
   *
   * @returns undefined when the session no longer exists (404: expired, or completed).
   */
  async getUploadSession(
    uploadUrl: string,
    signal: AbortSignal,
  ): Promise<UploadSessionState | undefined> {
    const response = await this.#uploadUrlCall(
      { method: 'GET', uploadUrl, signal },
      { action: 'asking the upload session where it stands', notFound: 'upload-session' },
      'request',
      [404],
    );
    if (response.status === 404) return undefined;
    return sessionState(parseJson(response));
  }

  /** Cancels an upload session (DELETE, without Authorization); a gone session is fine. */
  async deleteUploadSession(uploadUrl: string, signal: AbortSignal): Promise<void> {
    await this.#uploadUrlCall(
      { method: 'DELETE', uploadUrl, signal },
      { action: 'cancelling the upload session', notFound: 'upload-session' },
      'request',
      [404],
    );
  }

  /**
   * Sends bytes [start, end] of a file of totalBytes to an upload session, read from the file
   * as they are sent (again on a retry) through one small reused buffer, never whole.
   *
   * @param filePath the local file the bytes are read from.
   * @returns `accepted` with the next offset, or `completed` with the new item.
   * @throws DeliveryError: `upload.range-not-satisfiable` (416), `upload.session-expired` (404).
   */
  async uploadFragment(
    uploadUrl: string,
    range: { start: number; end: number; totalBytes: number },
    filePath: string,
    label: string,
    signal: AbortSignal,
  ): Promise<FragmentResult> {
    const response = await this.#uploadUrlCall(
      {
        method: 'PUT',
        uploadUrl,
        signal,
        headers: {
          'content-range': `bytes ${range.start}-${range.end}/${range.totalBytes}`,
          'content-type': 'application/octet-stream',
        },
        body: { filePath, start: range.start, lengthBytes: range.end - range.start + 1 },
      },
      {
        action: `uploading bytes ${range.start}-${range.end} of "${label}"`,
        notFound: 'upload-session',
      },
      'chunk',
    );
    const body = parseJson(response);
    if (response.status === 202) return { kind: 'accepted', ...sessionState(body) };
    return { kind: 'completed', item: toDriveItem(body) };
  }

  /**
   * Sets column values on the list item behind a drive item.
   *
   * @param ifMatch the list item's eTag: SharePoint then answers 412 instead of writing when the
   *   item changed since (Graph, Update listItem, "if-match").
   * @throws DeliveryError: `graph.item-busy` (409 resourceModified), `graph.item-changed` (412).
   */
  async setFields(
    driveId: string,
    itemId: string,
    fields: Record<string, string>,
    label: string,
    signal: AbortSignal,
    ifMatch?: string,
  ): Promise<void> {
    await this.#graphJson(
      {
        method: 'PATCH',
        path: `${this.#listItemPath(driveId, itemId)}/fields`,
        body: JSON.stringify(fields),
        contentType: 'application/json',
        ...(ifMatch === undefined ? {} : { headers: { 'If-Match': ifMatch } }),
        signal,
      },
      { action: `setting the columns of "${label}"` },
    );
  }

  /** The eTag of the list item behind a drive item, or null when SharePoint gives none. */
  async getListItemETag(
    driveId: string,
    itemId: string,
    label: string,
    signal: AbortSignal,
  ): Promise<string | null> {
    const body = await this.#graphJson(
      { method: 'GET', path: `${this.#listItemPath(driveId, itemId)}?$select=id,eTag`, signal },
      { action: `reading the list item of "${label}"` },
    );
    return typeof body.eTag === 'string' ? body.eTag : null;
  }

  #listItemPath(driveId: string, itemId: string): string {
    return `/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}/listItem`;
  }

  #itemPath(driveId: string, path: string): string {
    return `/drives/${encodeURIComponent(driveId)}/root:/${encodePath(path)}:`;
  }

  async #graphJson(
    call: Omit<GraphCall, 'action'>,
    context: FailureContext,
    timeoutKind: TimeoutKind = 'request',
    isIdempotent = true,
  ): Promise<Record<string, unknown>> {
    return parseJson(await this.#graphCall(call, context, timeoutKind, [], isIdempotent));
  }

  /** One Graph call through the policies; statuses in `accepted` are returned, not thrown. */
  #graphCall(
    call: Omit<GraphCall, 'action'>,
    context: FailureContext,
    timeoutKind: TimeoutKind,
    accepted: readonly number[] = [],
    isIdempotent = true,
  ): Promise<HttpResponse> {
    const parts = { graph: this.#graph, policies: this.#policies, clock: this.#clock };
    return sendChecked(parts, call, context, { timeout: timeoutKind, accepted, isIdempotent });
  }

  #uploadUrlCall(
    call: {
      method: 'GET' | 'PUT' | 'DELETE';
      uploadUrl: string;
      signal: AbortSignal;
      headers?: Record<string, string>;
      body?: FileRange;
    },
    context: FailureContext,
    timeoutKind: TimeoutKind,
    accepted: readonly number[] = [],
  ): Promise<HttpResponse> {
    return this.#policies.execute(
      async (signal) => {
        const response = await this.#transport.send({
          method: call.method,
          url: call.uploadUrl,
          ...(call.headers ? { headers: call.headers } : {}),
          ...(call.body ? { body: call.body } : {}),
          signal,
          action: context.action,
        });
        return checkResponse(response, context, accepted, this.#clock.now());
      },
      { signal: call.signal, timeout: timeoutKind, action: context.action },
    );
  }
}

function toDriveItem(body: Record<string, unknown>): DriveItem {
  const file = body.file as { hashes?: { quickXorHash?: string } } | undefined;
  return {
    id: String(body.id ?? ''),
    name: String(body.name ?? ''),
    size: Number(body.size ?? 0),
    webUrl: String(body.webUrl ?? ''),
    isFolder: body.folder !== undefined,
    quickXorHash: file?.hashes?.quickXorHash ?? null,
  };
}

function sessionState(body: Record<string, unknown>): UploadSessionState {
  const ranges = (body.nextExpectedRanges ?? []) as string[];
  const first = ranges[0];
  return {
    nextOffset: first === undefined ? null : Number(first.split('-')[0]),
    expiresAt: parseDate(body.expirationDateTime),
  };
}

function parseDate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
