import {
  Client,
  ResponseType,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import type { HttpResponse, HttpTransport } from './http-transport.ts';
import type { TokenSource } from './token-source.ts';

/** One Graph call as SharePointClient makes it. */
export interface GraphCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the Graph base URL, segments already percent-encoded (see encodePath). */
  path: string;
  body?: string | Buffer;
  contentType?: string;
  /** Extra request headers (e.g. If-Match). */
  headers?: Record<string, string>;
  signal: AbortSignal;
  action: string;
}

/**
 * The Microsoft Graph client (@microsoft/microsoft-graph-client 3) with SiteDrop's own middleware
 * chain: no RetryHandler (cockatiel alone decides: one retry layer, not two), a token
 * step that answers one 401 with one fresh token and one retry, and a final handler that sends
 * over the delivery's keep-alive HTTPS agent instead of global fetch.
 *
 * Responses come back raw (status, headers, body) whatever their status: SharePointClient
 * classifies failures with the context it knows (which site, which file).
 *
 * A PUT of file content (a small file's upload) skips the client and goes to the transport with the
 * same URL, headers and token steps: the client's request building, middleware context and fetch
 * Response (a web stream per response) cost CPU per file for nothing the raw bytes need
 * (docs/performance.md, "Why the code is shaped so", Delivery; graph-client.test.ts pins the
 * request to what the client sent).
 */
export class GraphClient {
  readonly #client: Client;
  readonly #graphBaseUrl: string;
  readonly #tokens: TokenSource;
  readonly #transport: HttpTransport;

  constructor(options: { graphBaseUrl: string; tokens: TokenSource; transport: HttpTransport }) {
    this.#graphBaseUrl = options.graphBaseUrl.replace(/\/+$/, '');
    this.#tokens = options.tokens;
    this.#transport = options.transport;
    const tokenStep = new TokenMiddleware(options.tokens);
    tokenStep.setNext(new TransportHandler(options.transport));
    this.#client = Client.initWithMiddleware({ middleware: tokenStep });
  }

  /**
   * The path under the Graph base URL of a link Graph handed out (`@odata.nextLink`,
   * `@odata.deltaLink`), kept as it is (links are opaque), or undefined when the link points
   * elsewhere: the token is never sent to another host.
   */
  pathOfLink(link: string): string | undefined {
    return link.startsWith(`${this.#graphBaseUrl}/`)
      ? link.slice(this.#graphBaseUrl.length)
      : undefined;
  }

  /** Sends one call; resolves with the response whatever its status. */
  async send(call: GraphCall): Promise<HttpResponse> {
    if (call.method === 'PUT' && Buffer.isBuffer(call.body)) return this.#sendContent(call);
    const request = this.#client
      .api(`${this.#graphBaseUrl}${call.path}`)
      .responseType(ResponseType.RAW)
      .option('signal', call.signal)
      .option(actionOption, call.action);
    if (call.contentType) request.header('Content-Type', call.contentType);
    for (const [name, value] of Object.entries(call.headers ?? {})) request.header(name, value);
    let raw: Response;
    switch (call.method) {
      case 'GET':
        raw = (await request.get()) as Response;
        break;
      case 'DELETE':
        raw = (await request.delete()) as Response;
        break;
      case 'POST':
        raw = (await request.post(call.body ?? '')) as Response;
        break;
      case 'PUT':
        raw = (await request.put(call.body ?? Buffer.alloc(0))) as Response;
        break;
      case 'PATCH':
        raw = (await request.patch(call.body ?? '')) as Response;
        break;
    }
    return toHttpResponse(raw);
  }

  /** A content PUT straight to the transport: the token, and one fresh token after a 401. */
  async #sendContent(call: GraphCall): Promise<HttpResponse> {
    const send = async (isFresh: boolean) =>
      this.#transport.send({
        method: call.method,
        url: `${this.#graphBaseUrl}${call.path}`,
        headers: {
          ...(call.contentType ? { 'Content-Type': call.contentType } : {}),
          Authorization: `Bearer ${await this.#tokens.getToken({ isFresh })}`,
        },
        ...(call.body !== undefined ? { body: call.body } : {}),
        signal: call.signal,
        action: call.action,
      });
    const response = await send(false);
    return response.status === 401 ? send(true) : response;
  }
}

/** A request option carrying the action text to the final handler (for error sentences). */
const actionOption = 'sitedropAction';

/** The Graph client wraps errors thrown in the chain; the original is kept here by signal. */
const transportFailures = new WeakMap<AbortSignal, unknown>();

/**
 * The DeliveryError (or abort reason) a failed send() threw below the Graph client, which
 * replaces it with its own GraphError. Cleared when read.
 */
export function takeTransportFailure(signal: AbortSignal): unknown {
  const failure = transportFailures.get(signal);
  transportFailures.delete(signal);
  return failure;
}

/** Adds the bearer token; on 401 gets a fresh token (skipping the cache) and tries once more. */
class TokenMiddleware implements Middleware {
  readonly #tokens: TokenSource;
  #next: Middleware | undefined;

  constructor(tokens: TokenSource) {
    this.#tokens = tokens;
  }

  setNext(next: Middleware): void {
    this.#next = next;
  }

  async execute(context: Context): Promise<void> {
    try {
      await this.#sendWithToken(context, false);
      if (context.response?.status === 401) await this.#sendWithToken(context, true);
    } catch (error) {
      const signal = (context.options as { signal?: AbortSignal } | undefined)?.signal;
      if (signal) transportFailures.set(signal, error);
      throw error;
    }
  }

  async #sendWithToken(context: Context, isFresh: boolean): Promise<void> {
    const token = await this.#tokens.getToken({ isFresh });
    context.options ??= {};
    context.options.headers = {
      ...headersToRecord(context.options.headers),
      Authorization: `Bearer ${token}`,
    };
    await this.#next?.execute(context);
  }
}

/** The last link: sends over the keep-alive agent and builds a fetch Response for the client. */
class TransportHandler implements Middleware {
  readonly #transport: HttpTransport;

  constructor(transport: HttpTransport) {
    this.#transport = transport;
  }

  async execute(context: Context): Promise<void> {
    const options = (context.options ?? {}) as RequestInit & { [actionOption]?: string };
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const body = options.body;
    const response = await this.#transport.send({
      method: options.method ?? 'GET',
      url,
      headers: headersToRecord(options.headers),
      ...(typeof body === 'string' || Buffer.isBuffer(body) ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      action: options[actionOption] ?? 'calling Microsoft Graph',
    });
    const hasNoBody = response.status === 204 || response.status === 304;
    context.response = new Response(hasNoBody ? null : new Uint8Array(response.body), {
      status: response.status,
      headers: response.headers,
    });
  }
}

function headersToRecord(headers: unknown): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers as [string, string][]);
  return { ...(headers as Record<string, string>) };
}

async function toHttpResponse(raw: Response): Promise<HttpResponse> {
  const headers: Record<string, string> = {};
  raw.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return { status: raw.status, headers, body: Buffer.from(await raw.arrayBuffer()) };
}

/** Percent-encodes each segment of a '/'-separated path on its own. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
