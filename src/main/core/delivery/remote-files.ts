import type { Readable } from 'node:stream';
import type { Clock } from '../lifecycle/index.ts';
import { checkResponse, parseJson } from './graph/check-response.ts';
import { encodePath, type GraphCall, type GraphClient } from './graph/graph-client.ts';
import { sendChecked } from './graph/checked-call.ts';
import type { HttpResponse, HttpTransport } from './graph/http-transport.ts';
import type { DeliveryPolicies } from './resilience/index.ts';
import type { TargetResolver } from './target-resolver.ts';
import { DeliveryError, type FailureContext } from './errors.ts';
import { changesOfFolder, type DeltaPage } from './graph/delta-page.ts';

/** Which page of a folder's changes to read (see RemoteFiles.deltaPage). */
export interface DeltaPageRequest {
  driveId: string;
  folderItemId: string;
  scope: 'folder' | 'root';
  link?: string | undefined;
  startAtLatest?: boolean;
}

/** A file in a library as the return channel reads it. */
export interface RemoteFile {
  id: string;
  name: string;
  sizeBytes: number;
  eTag: string | null;
  cTag: string | null;
  quickXorHash: string | null;
  /** fileSystemInfo.lastModifiedDateTime (else lastModifiedDateTime), epoch ms. */
  remoteModifiedAt: number | null;
  isFolder: boolean;
}

/** What a download URL answered to one request for bytes. */
export type DownloadAnswer =
  /** Bytes from `startOffset`: 206 to a Range, or 200 with the whole file (start at 0). */
  | { kind: 'bytes'; startOffset: number; totalBytes: number | null; body: Readable }
  /** The URL no longer works (its tempauth expired): get a new one. */
  | { kind: 'expired' }
  /** The offset is at or past the end of the file (416). */
  | { kind: 'range-not-satisfiable'; totalBytes: number | null }
  /** The item no longer exists. */
  | { kind: 'gone' };

/**
 * SharePoint's side of bringing files back, through the same transport, token and policy stack
 * as uploads: one bulkhead, one Retry-After gate and one breaker for both directions, so a
 * throttled or failing service is spared by downloads as by uploads (docs/responses.md).
 */
export interface RemoteFiles {
  /** The drive id of a library (by display name), cached as for uploads. */
  driveId(library: string, signal: AbortSignal): Promise<string>;
  /** A file's current metadata, or undefined when it no longer exists. */
  readItem(driveId: string, itemId: string, signal: AbortSignal): Promise<RemoteFile | undefined>;
  /**
   * The pre-authenticated download URL `GET …/content` redirects to (302), or undefined when the
   * item no longer exists. The URL is a bearer capability: never logged, never shown.
   */
  downloadUrl(driveId: string, itemId: string, signal: AbortSignal): Promise<string | undefined>;
  /**
   * The library columns of a file (its listItem's fields), or undefined when it no longer
   * exists. Delta cannot expand `listItem` (OneDrive/onedrive-api-docs#1181), so this is a read
   * of its own: `GET …/items/{id}/listItem/fields`.
   */
  readColumns(
    driveId: string,
    itemId: string,
    signal: AbortSignal,
  ): Promise<Record<string, unknown> | undefined>;
  /** The item id of a folder at a library-relative path, or undefined when there is none. */
  folderItemId(
    driveId: string,
    folderPath: string,
    signal: AbortSignal,
  ): Promise<string | undefined>;
  /**
   * One page of changes to the files directly in a folder: from `link` (a nextLink, deltaLink or
   * a resync's Location, kept opaque), else the first page of a delta on the folder
   * (`scope: 'folder'`) or on the root filtered to it (`scope: 'root'`, where a folder delta is
   * refused); `startAtLatest` asks only for a delta link (`token=latest`).
   */
  deltaPage(request: DeltaPageRequest, signal: AbortSignal): Promise<DeltaPage>;
  /**
   * Asks a download URL for the bytes from `offsetBytes` (a Range when above 0), WITHOUT an
   * Authorization header (driveitem-get-content: the URL is pre-authenticated).
   */
  openDownload(
    url: string,
    offsetBytes: number,
    options: { signal: AbortSignal; label: string },
  ): Promise<DownloadAnswer>;
}

/** RemoteFiles over delivery's parts. */
export class RemoteFilesClient implements RemoteFiles {
  readonly #graph: GraphClient;
  readonly #transport: HttpTransport;
  readonly #policies: DeliveryPolicies;
  readonly #targets: TargetResolver;
  readonly #clock: Clock;

  constructor(options: {
    graph: GraphClient;
    transport: HttpTransport;
    policies: DeliveryPolicies;
    targets: TargetResolver;
    clock: Clock;
  }) {
    this.#graph = options.graph;
    this.#transport = options.transport;
    this.#policies = options.policies;
    this.#targets = options.targets;
    this.#clock = options.clock;
  }

  driveId(library: string, signal: AbortSignal): Promise<string> {
    return this.#targets.driveId(library, signal);
  }

  async readItem(
    driveId: string,
    itemId: string,
    signal: AbortSignal,
  ): Promise<RemoteFile | undefined> {
    const select = 'id,name,size,eTag,cTag,file,folder,fileSystemInfo,lastModifiedDateTime';
    const response = await this.#graphCall(
      { method: 'GET', path: `${itemPath(driveId, itemId)}?$select=${select}`, signal },
      { action: 'reading a response file in SharePoint', notFound: 'item' },
      [404],
    );
    return response.status === 404 ? undefined : toRemoteFile(parseJson(response));
  }

  async downloadUrl(
    driveId: string,
    itemId: string,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const response = await this.#graphCall(
      { method: 'GET', path: `${itemPath(driveId, itemId)}/content`, signal },
      { action: 'asking SharePoint for a response file', notFound: 'item' },
      [404],
    );
    if (response.status === 404) return undefined;
    const location = response.headers.location;
    if ((response.status !== 302 && response.status !== 301) || !location) {
      throw checkResponse(
        { ...response, status: 502 },
        { action: 'asking SharePoint for a response file (no download address in its answer)' },
        [],
        this.#clock.now(),
      );
    }
    return location;
  }

  async readColumns(
    driveId: string,
    itemId: string,
    signal: AbortSignal,
  ): Promise<Record<string, unknown> | undefined> {
    const response = await this.#graphCall(
      { method: 'GET', path: `${itemPath(driveId, itemId)}/listItem/fields`, signal },
      { action: 'reading the library columns of a response file', notFound: 'item' },
      [404],
    );
    return response.status === 404 ? undefined : parseJson(response);
  }

  async folderItemId(
    driveId: string,
    folderPath: string,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const path =
      folderPath === ''
        ? `/drives/${encodeURIComponent(driveId)}/root?$select=id,folder`
        : `/drives/${encodeURIComponent(driveId)}/root:/${encodePath(folderPath)}:?$select=id,folder`;
    const response = await this.#graphCall(
      { method: 'GET', path, signal },
      { action: `finding the responses folder "${folderPath}"`, notFound: 'item' },
      [404],
    );
    if (response.status === 404) return undefined;
    const body = parseJson(response);
    return body.folder === undefined ? undefined : String(body.id);
  }

  async deltaPage(request: DeltaPageRequest, signal: AbortSignal): Promise<DeltaPage> {
    const drive = `/drives/${encodeURIComponent(request.driveId)}`;
    const start =
      request.scope === 'folder'
        ? `${drive}/items/${encodeURIComponent(request.folderItemId)}/delta`
        : `${drive}/root/delta`;
    let path = `${start}${request.startAtLatest ? '?token=latest' : ''}`;
    if (request.link !== undefined) {
      const linked = this.#graph.pathOfLink(request.link);
      if (linked === undefined) {
        throw new DeliveryError(
          'SharePoint handed out a change link to another address than Microsoft Graph; SiteDrop does not follow it',
          { kind: 'permanent', code: 'graph.foreign-link' },
        );
      }
      path = linked;
    }
    const action = 'asking SharePoint for changes in the responses folder';
    const response = await this.#graphCall({ method: 'GET', path, signal }, { action }, [400, 410]);
    if (response.status === 410) {
      const location = response.headers.location;
      return { kind: 'resync', ...(location ? { location } : {}) };
    }
    if (response.status === 400) {
      // SharePoint long answered a folder delta with 400 notSupported "view.delta can only be
      // called on the root" (OneDrive/onedrive-api-docs#214).
      if (request.scope === 'folder' && request.link === undefined)
        return { kind: 'folder-refused' };
      throw checkResponse(response, { action }, [], this.#clock.now());
    }
    const body = parseJson(response);
    const value = (body.value ?? []) as Record<string, unknown>[];
    const nextLink = body['@odata.nextLink'];
    const deltaLink = body['@odata.deltaLink'];
    return {
      kind: 'page',
      changes: changesOfFolder(value, request.folderItemId),
      ...(typeof nextLink === 'string' ? { nextLink } : {}),
      ...(typeof deltaLink === 'string' ? { deltaLink } : {}),
    };
  }

  openDownload(
    url: string,
    offsetBytes: number,
    options: { signal: AbortSignal; label: string },
  ): Promise<DownloadAnswer> {
    const action = `downloading ${options.label}`;
    return this.#policies.execute(
      async (signal) => {
        const response = await this.#transport.openStream({
          url,
          headers: offsetBytes > 0 ? { Range: `bytes=${offsetBytes}-` } : {},
          signal,
          action,
        });
        const { status, headers, body } = response;
        if (status === 200 || status === 206) {
          const startOffset = status === 206 ? rangeStart(headers['content-range']) : 0;
          return { kind: 'bytes', startOffset, totalBytes: totalOf(headers), body };
        }
        const text = await readSmallBody(body);
        if (status === 401 || status === 403) return { kind: 'expired' };
        if (status === 404) return { kind: 'gone' };
        if (status === 416) {
          return { kind: 'range-not-satisfiable', totalBytes: totalOf(headers) };
        }
        const failed = { status: status < 400 ? 502 : status, headers, body: text };
        throw checkResponse(failed, { action }, [], this.#clock.now());
      },
      { signal: options.signal, timeout: 'request', action },
    );
  }

  #graphCall(
    call: Omit<GraphCall, 'action'>,
    context: FailureContext,
    accepted: readonly number[],
  ): Promise<HttpResponse> {
    const parts = { graph: this.#graph, policies: this.#policies, clock: this.#clock };
    return sendChecked(parts, call, context, { timeout: 'request', accepted });
  }
}

function itemPath(driveId: string, itemId: string): string {
  return `/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}`;
}

/** A driveItem's JSON as a RemoteFile. */
export function toRemoteFile(body: Record<string, unknown>): RemoteFile {
  const file = body.file as { hashes?: { quickXorHash?: string } } | undefined;
  const fileSystemInfo = body.fileSystemInfo as { lastModifiedDateTime?: string } | undefined;
  const modified = Date.parse(
    String(fileSystemInfo?.lastModifiedDateTime ?? body.lastModifiedDateTime ?? ''),
  );
  return {
    id: String(body.id ?? ''),
    name: String(body.name ?? ''),
    sizeBytes: Number(body.size ?? 0),
    eTag: typeof body.eTag === 'string' ? body.eTag : null,
    cTag: typeof body.cTag === 'string' ? body.cTag : null,
    quickXorHash: file?.hashes?.quickXorHash ?? null,
    remoteModifiedAt: Number.isNaN(modified) ? null : modified,
    isFolder: body.folder !== undefined,
  };
}

/** The first byte of a `Content-Range: bytes a-b/n` (RFC 9110 §14.4). */
function rangeStart(header: string | undefined): number {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header?.trim() ?? '');
  return match ? Number(match[1]) : -1;
}

/** The whole file's length: Content-Range's `/n`, else a full body's Content-Length. */
function totalOf(headers: Record<string, string>): number | null {
  const range = /\/(\d+)$/.exec(headers['content-range']?.trim() ?? '');
  if (range) return Number(range[1]);
  const length = Number(headers['content-length']);
  return headers['content-range'] === undefined && Number.isFinite(length) ? length : null;
}

/** Reads an error answer's body (small; at most 64 KiB kept). */
async function readSmallBody(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of body) {
    if (kept < 65_536) chunks.push(chunk as Buffer);
    kept += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks);
}
