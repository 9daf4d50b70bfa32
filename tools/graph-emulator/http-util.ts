// Small HTTP helpers shared by the emulator's routes: the per-request context, Graph-style
// errors and JSON bodies.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { EmulatorOrigins } from './origins.ts';
import type { FaultRule } from './faults.ts';

/** What every route handler gets for one request. */
export interface RequestContext {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** The request body; read it from here, not from `request` (fault rules may wrap it). */
  readonly body: Readable;
  readonly method: string;
  /** The raw (still percent-encoded) path, without the query string. */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  /** Generated per request, sent as `request-id` and in error bodies. */
  readonly requestId: string;
  /** The client's `client-request-id`, or the request id when it sent none (echoed back). */
  readonly clientRequestId: string;
  /** Origin of the emulator, e.g. https://127.0.0.1:4321. */
  readonly origin: string;
  /** The origins of every role (Graph, login, SharePoint), for URLs that point elsewhere. */
  readonly origins: EmulatorOrigins;
  /** The fault rule that hit this request, for handlers whose faults shape the answer. */
  readonly fault?: FaultRule;
}

/** A Graph error: thrown anywhere in a handler, rendered as `{error: {code, message, …}}`. */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly innerCode: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { innerCode?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.innerCode = options.innerCode;
    this.headers = options.headers ?? {};
  }
}

/** Send a JSON body with a Content-Length (never chunked), plus extra headers. */
export function sendJson(
  context: RequestContext,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = Buffer.from(JSON.stringify(body));
  context.response.writeHead(status, {
    ...headers,
    'content-type': 'application/json; odata.metadata=minimal; charset=utf-8',
    'content-length': String(text.length),
  });
  context.response.end(text);
}

/** Send an empty response (204, or 202/302 without body). */
export function sendEmpty(
  context: RequestContext,
  status: number,
  headers: Record<string, string> = {},
): void {
  context.response.writeHead(status, { ...headers, 'content-length': '0' });
  context.response.end();
}

/** Render a GraphError the way Graph does, with innerError carrying date and request ids. */
export function sendGraphError(context: RequestContext, error: GraphError): void {
  const innerError: Record<string, string> = {
    date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
    'request-id': context.requestId,
    'client-request-id': context.clientRequestId,
  };
  if (error.innerCode !== undefined) innerError['code'] = error.innerCode;
  sendJson(
    context,
    error.status,
    { error: { code: error.code, message: error.message, innerError } },
    error.headers,
  );
}

/** Default Graph error code for a status that a fault rule sets without a code. */
export function defaultErrorCode(status: number): string {
  switch (status) {
    case 400:
      return 'invalidRequest';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'accessDenied';
    case 404:
      return 'itemNotFound';
    case 409:
      return 'nameAlreadyExists';
    case 412:
      return 'resourceModified';
    case 416:
      return 'invalidRange';
    case 423:
      return 'resourceLocked';
    case 429:
      return 'activityLimitReached';
    case 503:
      return 'serviceNotAvailable';
    case 507:
      return 'quotaLimitReached';
    default:
      return status >= 500 ? 'generalException' : 'invalidRequest';
  }
}

/** Read a whole body as text, up to `limitBytes` (413 beyond). */
export async function readText(stream: Readable, limitBytes = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limitBytes) {
      throw new GraphError(413, 'invalidRequest', 'The request body is too large.');
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Read a JSON object body; an empty body is `{}`; anything else malformed is a 400. */
export async function readJsonObject(stream: Readable): Promise<Record<string, unknown>> {
  const text = await readText(stream);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GraphError(400, 'invalidRequest', 'Invalid request: the body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GraphError(400, 'invalidRequest', 'Invalid request: the body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** Wait `ms` milliseconds (no-op for 0). */
export function delay(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms));
}
