import http, { type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  feedCloseCodes,
  feedErrorCodes,
  feedMaxClientFrameBytes,
  feedPath,
  feedProtocolVersions,
  feedSubprotocol,
  feedSubprotocolOf,
  type ErrorMessage,
} from '../../../../shared/feed-protocol.ts';
import type { Logger } from '../../logging/index.ts';
import {
  checkHostAndOrigin,
  checkToken,
  offeredSubprotocols,
  refusalMessage,
  type GuardOptions,
} from '../http/index.ts';
import { openFeedConnection, type FeedConnectionOptions, type Resume } from './feed-connection.ts';

/** What the upgrade handler checks and hands on. */
export interface UpgradeHandlerOptions {
  /** The port and origins the Host and Origin checks accept (the port is known once listening). */
  guard(): GuardOptions;
  token: string;
  logger: Logger;
  maxClients: number;
  /** Clients connected now. */
  clientCount(): number;
  /** Whether the feed is stopping: new connections are refused. */
  isClosed(): boolean;
  connection: FeedConnectionOptions;
}

/** The HTTP server's `upgrade` listener, and the WebSocket server behind it (close it last). */
export interface UpgradeHandler {
  onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

/**
 * Accepts a WebSocket upgrade at /feed only when its Host, Origin and token pass (in that order,
 * as every HTTP request), it offers a protocol version this agent speaks, its resume query is
 * well formed, and there is room for another client; refuses it otherwise with the protocol's
 * error shape and the HTTP status docs/feed.md names.
 */
export function createUpgradeHandler(options: UpgradeHandlerOptions): UpgradeHandler {
  const { logger, maxClients } = options;
  let pendingUpgrades = 0;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: feedMaxClientFrameBytes,
    handleProtocols: (protocols) => newestSubprotocolOf([...protocols]) ?? false,
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => logger.debug({ err: error }, 'A feed upgrade failed'));
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const refuse = (status: number, code: string, message: string) =>
      rejectUpgrade(socket, status, refusalMessage(code, message));
    if (url.pathname !== feedPath) {
      return refuse(404, feedErrorCodes.notFound, `The feed is at ${feedPath}.`);
    }
    const hostRefusal = checkHostAndOrigin(request.headers, options.guard());
    if (hostRefusal)
      return refuse(hostRefusal.status, feedErrorCodes.forbidden, hostRefusal.message);
    const tokenRefusal = checkToken(request.headers, options.token, true);
    if (tokenRefusal) {
      return refuse(tokenRefusal.status, feedErrorCodes.unauthorized, tokenRefusal.message);
    }
    if (newestSubprotocolOf(offeredSubprotocols(request.headers)) === undefined) {
      return refuse(
        400,
        feedErrorCodes.unsupportedVersion,
        `Offer the WebSocket subprotocol "${feedSubprotocol}" (this agent speaks feed protocol versions ${feedProtocolVersions.join(' and ')}).`,
      );
    }
    const resume = parseResume(url.searchParams);
    if (typeof resume === 'string') return refuse(400, feedErrorCodes.malformed, resume);
    if (options.isClosed())
      return refuse(503, feedErrorCodes.unavailable, 'The agent is stopping.');
    if (options.clientCount() + pendingUpgrades >= maxClients) {
      return refuse(
        503,
        feedErrorCodes.unavailable,
        `Too many feed clients (at most ${maxClients}); close other dashboard tabs and reconnect.`,
      );
    }
    // handleUpgrade answers a bad handshake itself (400) without calling back: the socket's
    // close settles the count then.
    let isSettled = false;
    const settle = () => {
      if (isSettled) return;
      isSettled = true;
      pendingUpgrades -= 1;
    };
    pendingUpgrades += 1;
    socket.once('close', settle);
    wss.handleUpgrade(request, socket, head, (webSocket) => {
      settle();
      if (options.isClosed()) {
        webSocket.close(feedCloseCodes.goingAway, 'agent stopping');
        return;
      }
      openFeedConnection(webSocket, resume, options.connection);
    });
  };

  return { onUpgrade, close: () => wss.close() };
}

/** The newest feed subprotocol among those offered, if any. */
function newestSubprotocolOf(offered: readonly string[]): string | undefined {
  return [...feedProtocolVersions]
    .reverse()
    .map(feedSubprotocolOf)
    .find((protocol) => offered.includes(protocol));
}

function parseResume(query: URLSearchParams): Resume | string {
  const resume: Resume = {};
  const lastSeq = query.get('lastSeq');
  if (lastSeq !== null) {
    if (!/^\d{1,15}$/.test(lastSeq)) return 'lastSeq must be the seq of the last event applied.';
    resume.lastSeq = Number(lastSeq);
  }
  const logId = query.get('logId');
  if (logId !== null) {
    if (logId.length === 0 || logId.length > 64) return 'logId must be the one hello named.';
    resume.logId = logId;
  }
  return resume;
}

function rejectUpgrade(socket: Duplex, status: number, body: ErrorMessage): void {
  const text = JSON.stringify(body);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      'Referrer-Policy: no-referrer\r\n' +
      (status === 401 ? 'WWW-Authenticate: Bearer realm="sitedrop"\r\n' : '') +
      `\r\n${text}`,
  );
}
