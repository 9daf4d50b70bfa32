// The request pipeline in front of every route: request ids, the request log, fault rules,
// latency, authentication, throttling, then the identity, Graph, upload-URL or control routes.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ControlTargets } from './control-api.ts';
import { CONTROL_PATH_PREFIX, handleControlRequest } from './control-api.ts';
import type { FaultController, FaultRuleState } from './faults.ts';
import { GraphApi } from './graph-api.ts';
import { GraphError, defaultErrorCode, delay, sendGraphError, sendJson } from './http-util.ts';
import type { RequestContext } from './http-util.ts';
import { randomGuid } from './ids.ts';
import type { DownloadUrls } from './downloads.ts';
import { DOWNLOAD_PATH_PREFIX } from './downloads.ts';
import type { EmulatorOrigins } from './origins.ts';
import type { AccessTokenStore } from './access-tokens.ts';
import type { IdentityService } from './identity.ts';
import type { EmulatorThrottleOptions } from './options.ts';
import type { RequestLog, RequestRecord } from './request-log.ts';
import { preciseNow } from './request-log.ts';
import type { ResourceBudget } from './throttle.ts';
import { chargeSharePointUnits, sharePointResourceUnits } from './resource-units.ts';
import type { UploadSessionStore } from './upload-sessions.ts';
import { UPLOAD_PATH_PREFIX } from './upload-sessions.ts';

/** Everything the dispatcher routes to. */
export interface DispatchTargets {
  /** Where each role lives; known once the server listens. */
  readonly origins: () => EmulatorOrigins;
  readonly identity: IdentityService;
  readonly tokens: AccessTokenStore;
  readonly graph: GraphApi;
  readonly uploads: UploadSessionStore;
  readonly downloads: DownloadUrls;
  readonly faults: FaultController;
  readonly log: RequestLog;
  readonly control: ControlTargets;
  readonly latencyMs: number;
  readonly throttle: { options: EmulatorThrottleOptions; budget: ResourceBudget } | undefined;
}

type RequestKind = 'graph' | 'upload' | 'download' | 'identity';

/** Build the `request` listener of the emulator's HTTPS server. */
export function createRequestHandler(
  targets: DispatchTargets,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    void dispatch(targets, request, response);
  };
}

async function dispatch(
  targets: DispatchTargets,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const startedAt = preciseNow();
  const origins = targets.origins();
  const url = new URL(request.url ?? '/', origins.graph);
  const rawPath = url.pathname;
  const method = (request.method ?? 'GET').toUpperCase();
  const requestId = randomGuid();
  const sentClientRequestId = headerValue(request.headers['client-request-id']);
  response.setHeader('request-id', requestId);
  response.setHeader('client-request-id', sentClientRequestId ?? requestId);
  const kind: RequestKind =
    rawPath === '/v1.0' || rawPath.startsWith('/v1.0/')
      ? 'graph'
      : rawPath.startsWith(UPLOAD_PATH_PREFIX)
        ? 'upload'
        : rawPath.startsWith(DOWNLOAD_PATH_PREFIX)
          ? 'download'
          : 'identity';
  const origin =
    kind === 'graph' ? origins.graph : kind === 'identity' ? origins.login : origins.sharePoint;
  const baseContext = {
    request,
    response,
    method,
    rawPath,
    query: url.searchParams,
    requestId,
    clientRequestId: sentClientRequestId ?? requestId,
    origin,
    origins,
  };

  if (rawPath.startsWith(CONTROL_PATH_PREFIX)) {
    const context: RequestContext = { ...baseContext, body: request };
    await respondWithErrors(context, kind, () => handleControlRequest(context, targets.control));
    return;
  }

  const record = targets.log.begin({
    method,
    path: rawPath,
    userAgent: headerValue(request.headers['user-agent']),
    clientRequestId: sentClientRequestId,
    range: headerValue(request.headers.range),
    startedAt,
  });
  response.on('close', () => {
    record.endedAt = preciseNow();
    record.status = response.headersSent ? response.statusCode : 0;
    record.aborted = !response.writableFinished;
    const retryAfter = response.getHeader('retry-after');
    record.retryAfter = retryAfter === undefined ? undefined : String(retryAfter);
  });

  const fault = targets.faults.take(method, rawPath);
  record.faultId = fault?.id;
  let body: Readable = request;
  if (fault?.rule.resetAfterBytes !== undefined) {
    body = guardBody(request, fault.rule.resetAfterBytes);
    cutResponseHalfway(response);
  }
  const context: RequestContext = { ...baseContext, body, fault: fault?.rule };

  const delayMs = fault?.rule.delayMs ?? 0;
  if (kind !== 'identity') holdResponseUntil(response, startedAt + targets.latencyMs + delayMs);
  await respondWithErrors(context, kind, async () => {
    await delay(delayMs);
    if (fault) applyFault(targets, context, fault);
    if (kind === 'upload') {
      return targets.uploads.handle(context, { loseFragment: fault?.rule.loseFragment === true });
    }
    if (kind === 'download') {
      return targets.downloads.handle(context, {
        ignoreRange: fault?.rule.ignoreRange === true,
        expire: fault?.rule.expireDownloadUrl === true,
        stallAfterBytes: fault?.rule.stallAfterBytes,
        cutAfterBytes: fault?.rule.cutAfterBytes,
      });
    }
    if (kind === 'graph') {
      const principal = targets.tokens.authenticate(request.headers.authorization);
      chargeBudget(targets, context, record);
      return targets.graph.handle(context, principal);
    }
    if (!(await targets.identity.handle(context))) {
      throw new GraphError(404, 'itemNotFound', `No such endpoint: ${method} ${rawPath}`);
    }
  });
}

/**
 * Hold what a handler writes to `response` until `atMs` (the request log's clock), then send it
 * in order: the request takes at least that long from arrival to response, and is handled
 * meanwhile. So `latencyMs` is the server's response time, as Little's law reads it, and the
 * emulator's own work (receiving and storing an upload: 2-7 ms on a shared core) falls inside it
 * instead of being added on top (issue 7, figure 4). A write made while held reports a full
 * buffer, and 'drain' follows the release, so a streamed download waits instead of piling up.
 */
function holdResponseUntil(response: ServerResponse, atMs: number): void {
  const waitMs = Math.ceil(atMs - preciseNow());
  if (waitMs <= 0) return;
  const { write, end } = response;
  const held: Array<() => void> = [];
  let isWriteHeld = false;
  response.write = ((...args: Parameters<typeof write>) => {
    held.push(() => write.apply(response, args));
    isWriteHeld = true;
    return false;
  }) as typeof write;
  response.end = ((...args: Parameters<typeof end>) => {
    held.push(() => end.apply(response, args));
    return response;
  }) as typeof end;
  const timer = setTimeout(() => {
    response.write = write;
    response.end = end;
    for (const call of held.splice(0)) call();
    if (isWriteHeld) response.emit('drain');
  }, waitMs);
  response.once('close', () => clearTimeout(timer));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Apply the side effects of a fault rule; throws the error response it asks for. */
function applyFault(
  targets: DispatchTargets,
  context: RequestContext,
  fault: FaultRuleState,
): void {
  const { rule } = fault;
  if (rule.expireUploadSession) targets.uploads.expireByPath(context.rawPath);
  if (rule.expireToken) {
    targets.tokens.expire(context.request.headers.authorization);
    throw new GraphError(
      401,
      'InvalidAuthenticationToken',
      'Lifetime validation failed, the token is expired.',
      {
        headers: { 'www-authenticate': 'Bearer realm="", error="invalid_token"' },
      },
    );
  }
  if (rule.status === undefined) return;
  const headers: Record<string, string> = {};
  if (rule.retryAfterSeconds !== undefined) {
    headers['retry-after'] = rule.retryAfterHttpDate
      ? new Date(Date.now() + rule.retryAfterSeconds * 1000).toUTCString()
      : String(Math.ceil(rule.retryAfterSeconds));
  }
  const defaultMessage =
    rule.status === 429
      ? 'The request has been throttled'
      : rule.status === 503
        ? 'The service is temporarily unavailable. Please retry later.'
        : `Injected fault ${fault.id}.`;
  throw new GraphError(
    rule.status,
    rule.code ?? defaultErrorCode(rule.status),
    rule.message ?? defaultMessage,
    {
      innerCode: rule.status === 429 ? 'throttledRequest' : undefined,
      headers,
    },
  );
}

/**
 * Charge a Graph request to the throttle budget: by SharePoint's resource-unit table with
 * `costs: 'sharepoint'` (see resource-units.ts), else `costPerUpload` / `costPerRequest`, where a
 * refused request is not charged.
 */
function chargeBudget(
  targets: DispatchTargets,
  context: RequestContext,
  record: RequestRecord,
): void {
  if (!targets.throttle) return;
  const { options, budget } = targets.throttle;
  const { method, rawPath } = context;
  if (options.costs === 'sharepoint') {
    record.resourceUnits = sharePointResourceUnits(method, rawPath, context.query);
    chargeSharePointUnits(budget, record.resourceUnits, context.response);
    return;
  }
  const cost = GraphApi.isUploadOperation(method, rawPath)
    ? (options.costPerUpload ?? 0)
    : (options.costPerRequest ?? 0);
  const decision = budget.tryConsume(cost, Date.now());
  if (decision.allowed && cost > 0) record.resourceUnits = cost;
  if (!decision.allowed) {
    throw new GraphError(429, 'activityLimitReached', 'The request has been throttled', {
      innerCode: 'throttledRequest',
      headers: { 'retry-after': String(decision.retryAfterSeconds) },
    });
  }
}

/** Run a route; render GraphErrors (and unexpected errors as 500) unless the socket is gone. */
async function respondWithErrors(
  context: RequestContext,
  kind: RequestKind,
  route: () => Promise<void>,
): Promise<void> {
  try {
    await route();
  } catch (error) {
    const { response } = context;
    if (response.headersSent || response.destroyed || context.request.socket.destroyed) {
      if (!response.writableFinished) response.destroy();
      return;
    }
    const graphError =
      error instanceof GraphError
        ? error
        : new GraphError(500, 'generalException', `Emulator error: ${(error as Error).message}`);
    context.body.resume();
    if (kind === 'identity' && context.rawPath.includes('/oauth2/')) {
      sendJson(
        context,
        graphError.status,
        { error: graphError.code, error_description: graphError.message, error_codes: [] },
        graphError.headers as Record<string, string>,
      );
    } else {
      sendGraphError(context, graphError);
    }
  }
}

/** A body that destroys the connection once more than `limitBytes` bytes arrive. */
function guardBody(request: IncomingMessage, limitBytes: number): Readable {
  let seen = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (seen + chunk.length > limitBytes) {
        request.socket.destroy();
        callback(new Error(`connection reset after ${limitBytes} body bytes (fault rule)`));
        return;
      }
      seen += chunk.length;
      callback(null, chunk);
    },
  });
  pipeline(request, guard).catch(() => undefined);
  return guard;
}

/** Make the response send its headers and half its body, then drop the connection. */
function cutResponseHalfway(response: ServerResponse): void {
  const end = (chunk?: unknown): ServerResponse => {
    const bytes =
      typeof chunk === 'string' || chunk instanceof Uint8Array
        ? Buffer.from(chunk)
        : Buffer.alloc(0);
    if (bytes.length < 2) {
      response.socket?.destroy();
      response.destroy();
      return response;
    }
    response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
      response.socket?.destroy();
    });
    return response;
  };
  response.end = end as typeof response.end;
}
