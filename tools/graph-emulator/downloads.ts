// Pre-authenticated download URLs: what `GET …/content` redirects to (302) and what
// `@microsoft.graph.downloadUrl` carries, and the server behind them: full bodies, byte ranges
// (206 / 416), expiry, and refusal of an Authorization header.
// Sources: https://learn.microsoft.com/graph/api/driveitem-get-content (302, Range, "a few
// minutes", no Authorization needed) and https://learn.microsoft.com/graph/api/resources/driveitem
// (the instance annotation, "a short period of time (1 hour)").

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { DriveStore, ItemRecord } from './drive-store.ts';
import { GraphError } from './http-util.ts';
import type { RequestContext } from './http-util.ts';
import { mimeTypeOf, renderItem } from './render.ts';

/** Path prefix of download URLs, `/_download/{item-id}`: a stable marker for fault rules. */
export const DOWNLOAD_PATH_PREFIX = '/_download/';

/** What a fault rule may change about one download-URL request. */
export interface DownloadFaults {
  /** Answer 200 with the whole body even when a satisfiable Range was asked for. */
  readonly ignoreRange: boolean;
  /** Treat the URL as expired, whatever its expiry says. */
  readonly expire: boolean;
  /** Send this many body bytes, then hold the connection without sending more. */
  readonly stallAfterBytes?: number | undefined;
  /** Send this many body bytes, then drop the connection. */
  readonly cutAfterBytes?: number | undefined;
}

/** A byte range to serve, inclusive, or why none can be. */
type RangeDecision =
  { kind: 'whole' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * Issues and serves download URLs. A URL carries its drive, item and expiry, signed with a key
 * made at start (as SharePoint's `tempauth` is a signed token): nothing is stored per URL, so
 * listing thousands of items costs no memory.
 */
export class DownloadUrls {
  readonly #key = randomBytes(32);
  readonly #lifetimeMs: number;
  readonly #drives: () => readonly DriveStore[];

  constructor(options: { lifetimeSeconds: number; drives: () => readonly DriveStore[] }) {
    this.#lifetimeMs = options.lifetimeSeconds * 1000;
    this.#drives = options.drives;
  }

  /** A download URL for a file, valid for the configured lifetime, on `origin`'s host. */
  issue(store: DriveStore, item: ItemRecord, origin: string, now = Date.now()): string {
    const claims = Buffer.from(
      JSON.stringify({ d: store.info.id, i: item.id, e: now + this.#lifetimeMs }),
    ).toString('base64url');
    const tempauth = `${claims}.${this.#sign(claims)}`;
    return `${origin}${DOWNLOAD_PATH_PREFIX}${encodeURIComponent(item.id)}?tempauth=${tempauth}`;
  }

  #sign(claims: string): string {
    return createHmac('sha256', this.#key).update(claims).digest('base64url');
  }

  /** Serve GET or HEAD on a download URL. */
  async handle(context: RequestContext, faults: DownloadFaults): Promise<void> {
    // "Preauthenticated download URLs … don't require an Authorization header"; SharePoint
    // answers 401 to one that carries a Graph token (its audience is Graph, not the site).
    if (context.request.headers.authorization !== undefined) {
      throw new GraphError(
        401,
        'unauthenticated',
        'Download URLs are pre-authenticated: do not send an Authorization header with them.',
      );
    }
    if (context.method !== 'GET' && context.method !== 'HEAD') {
      throw new GraphError(
        405,
        'invalidRequest',
        `${context.method} is not supported on a download URL.`,
      );
    }
    const { store, item } = this.#resolve(context, faults);
    const range = faults.ignoreRange
      ? { kind: 'whole' as const }
      : decideRange(context.request.headers.range, item.size);
    const common = {
      'content-type': mimeTypeOf(item.name),
      'accept-ranges': 'bytes',
      etag: String(renderItem(store, item)['cTag']),
    };
    if (range.kind === 'unsatisfiable') {
      // RFC 9110 §15.5.17: 416 names the representation's length in Content-Range.
      context.response.writeHead(416, {
        ...common,
        'content-range': `bytes */${item.size}`,
        'content-length': '0',
      });
      context.response.end();
      return;
    }
    const [status, start, end] =
      range.kind === 'partial' ? [206, range.start, range.end] : [200, 0, item.size - 1];
    const headers: Record<string, string> = {
      ...common,
      'content-length': String(Math.max(0, end - start + 1)),
    };
    if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${item.size}`;
    context.response.writeHead(status, headers);
    if (context.method === 'HEAD' || end < start) {
      context.response.end();
      return;
    }
    if (faults.stallAfterBytes !== undefined || faults.cutAfterBytes !== undefined) {
      const sentBytes = faults.stallAfterBytes ?? faults.cutAfterBytes ?? 0;
      await sendSome(context, { diskPath: store.diskPath(item), start, end, sentBytes });
      if (faults.cutAfterBytes !== undefined) context.response.socket?.destroy();
      else await once(context.response, 'close');
      return;
    }
    await pipeline(createReadStream(store.diskPath(item), { start, end }), context.response);
  }

  #resolve(
    context: RequestContext,
    faults: DownloadFaults,
  ): { store: DriveStore; item: ItemRecord } {
    const invalid = (message: string): GraphError =>
      new GraphError(401, 'unauthenticated', message);
    const [claims, signature] = (context.query.get('tempauth') ?? '').split('.');
    if (!claims || !signature || !isSameText(signature, this.#sign(claims))) {
      throw invalid('The download URL credential is not valid.');
    }
    const {
      d: driveId,
      i: itemId,
      e: expiresAt,
    } = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as {
      d: string;
      i: string;
      e: number;
    };
    const pathItemId = decodeURIComponent(context.rawPath.slice(DOWNLOAD_PATH_PREFIX.length));
    if (pathItemId !== itemId) throw invalid('The download URL credential is not valid.');
    // Expired: the tempauth token is no longer valid. SharePoint's download.aspx answers a
    // tempauth it does not accept with 401 (OneDrive/onedrive-api-docs#1686, #792).
    if (faults.expire || expiresAt <= Date.now()) {
      throw invalid('The download URL has expired; get a new one from Microsoft Graph.');
    }
    const store = this.#drives().find((candidate) => candidate.info.id === driveId);
    const item = store?.get(itemId);
    if (!store || !item || item.isFolder) {
      throw new GraphError(404, 'itemNotFound', 'The item no longer exists.');
    }
    return { store, item };
  }
}

/** Sends the first `sentBytes` of the range without ending the response. */
async function sendSome(
  context: RequestContext,
  part: { diskPath: string; start: number; end: number; sentBytes: number },
): Promise<void> {
  const { response } = context;
  const closed = once(response, 'close');
  const lastByte = Math.min(part.end, part.start + part.sentBytes - 1);
  if (lastByte < part.start) return;
  for await (const chunk of createReadStream(part.diskPath, { start: part.start, end: lastByte })) {
    if (response.destroyed) return;
    if (!response.write(chunk as Buffer)) await Promise.race([once(response, 'drain'), closed]);
  }
  // Written to the socket, not only to the response's buffer, before the caller cuts or waits.
  await new Promise<void>((resolve) => response.write('', () => resolve()));
}

function isSameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * What to serve for a Range header (RFC 9110 §14.2): one `bytes=` range is served (206), an
 * unsatisfiable one refused (416); anything else — no header, another unit, several ranges,
 * a malformed value — is ignored and the whole body sent (200), as driveitem-get-content says:
 * "If the range can't be generated the Range header may be ignored".
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    // A suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}
