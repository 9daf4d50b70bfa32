import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  feedErrorCodes,
  feedMaxClientFrameBytes,
  feedPath,
} from '../../../../shared/feed-protocol.ts';
import type { Logger } from '../../logging/index.ts';
import type { ExecuteCommand } from '../commands/index.ts';
import {
  hasRequestBody,
  httpApiProtocolVersion,
  httpStatusForError,
  refusalMessage,
  routeApiRequest,
} from './http-api.ts';
import { checkHostAndOrigin, checkToken, type GuardOptions } from './request-guard.ts';
import { serveStaticFile } from './static-files.ts';

/** What the HTTP side of the port needs. */
export interface RequestHandlerOptions {
  /** The port and origins the Host and Origin checks accept (the port is known once listening). */
  guard(): GuardOptions;
  token: string;
  /** The UI's built files. */
  staticRoot: string;
  execute: ExecuteCommand;
  logger: Logger;
}

/** The HTTP server's `request` listener. */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Answers the port's HTTP requests: every one gets the security headers and the Host and Origin
 * checks; `/api/…` needs the token and runs a command (docs/feed.md, "HTTP API"); `/feed`
 * without an upgrade gets 426; anything else is a GET or HEAD for the UI's files, under a
 * Content Security Policy. A failure is logged and answered 500, never ends the agent.
 */
export function createRequestHandler(options: RequestHandlerOptions): RequestHandler {
  return (request, response) => {
    answer(request, response, options).catch((error: unknown) => {
      options.logger.error({ err: error, path: request.url }, 'A feed HTTP request failed');
      if (response.headersSent) {
        response.destroy();
      } else {
        response.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
        response.end(
          JSON.stringify(
            refusalMessage(
              feedErrorCodes.internal,
              'The agent hit a problem; the log has details.',
            ),
          ),
        );
      }
    });
  };
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  options: RequestHandlerOptions,
): Promise<void> {
  setSecurityHeaders(response);
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const guard = options.guard();
  const refusal = checkHostAndOrigin(request.headers, guard);
  if (refusal) {
    return sendJson(
      response,
      refusal.status,
      refusalMessage(feedErrorCodes.forbidden, refusal.message),
    );
  }
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
    return answerApiRequest(request, response, url, options);
  }
  if (url.pathname === feedPath) {
    response.writeHead(426, {
      'Content-Type': 'text/plain; charset=utf-8',
      Upgrade: 'websocket',
    });
    response.end('The feed is a WebSocket: see docs/feed.md.\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Method not allowed.\n');
    return;
  }
  response.setHeader('Content-Security-Policy', contentSecurityPolicy(guard.port));
  await serveStaticFile(options.staticRoot, url.pathname, request.method === 'HEAD', response);
}

async function answerApiRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  options: RequestHandlerOptions,
): Promise<void> {
  response.setHeader('Cache-Control', 'no-store');
  const refuse = (status: number, code: string, message: string, headers = {}) =>
    sendJson(response, status, refusalMessage(code, message), headers);
  const tokenRefusal = checkToken(request.headers, options.token, false);
  if (tokenRefusal) {
    return refuse(401, feedErrorCodes.unauthorized, tokenRefusal.message, {
      'WWW-Authenticate': 'Bearer realm="sitedrop"',
    });
  }
  const method = request.method ?? 'GET';
  let body: Record<string, unknown> = {};
  if (hasRequestBody(method)) {
    const read = await readJsonBody(request, feedMaxClientFrameBytes);
    if (read.kind === 'too-large') {
      return refuse(
        413,
        feedErrorCodes.tooLarge,
        `The request body is larger than ${feedMaxClientFrameBytes} bytes.`,
      );
    }
    if (read.kind === 'invalid') {
      return refuse(400, feedErrorCodes.malformed, 'The request body must be one JSON object.');
    }
    body = read.value;
  }
  const route = routeApiRequest(method, url.pathname, url.searchParams, body);
  if (route.kind === 'not-found') {
    return refuse(404, feedErrorCodes.notFound, `There is no ${url.pathname}; see docs/feed.md.`);
  }
  if (route.kind === 'method-not-allowed') {
    return refuse(
      405,
      feedErrorCodes.methodNotAllowed,
      `${url.pathname} takes ${route.allow.join(' or ')}.`,
      { Allow: route.allow.join(', ') },
    );
  }
  const outcome = await options.execute(route.message, httpApiProtocolVersion);
  if (outcome.ok) return sendJson(response, 200, outcome.message.result);
  return sendJson(response, httpStatusForError(outcome.error.code), { ...outcome.error, id: null });
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function setSecurityHeaders(response: ServerResponse): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

type BodyRead =
  { kind: 'ok'; value: Record<string, unknown> } | { kind: 'too-large' } | { kind: 'invalid' };

async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return { kind: 'too-large' };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return { kind: 'ok', value: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return { kind: 'ok', value: value as Record<string, unknown> };
    }
  } catch {
    // Answered below as a malformed body.
  }
  return { kind: 'invalid' };
}
