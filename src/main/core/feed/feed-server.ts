import crypto from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Config } from '../../../shared/config-schema.ts';
import {
  ClientMessageSchema,
  commandTypes,
  feedCloseCodes,
  FeedCommandError,
  feedErrorCodes,
  feedMaxClientFrameBytes,
  feedPath,
  feedProtocolVersion,
  feedProtocolVersions,
  feedSubprotocol,
  feedSubprotocolOf,
  type ErrorMessage,
  type FeedProblem,
  type FeedProtocolVersion,
  type HelloMessage,
  type ServerMessage,
} from '../../../shared/feed-protocol.ts';
import type { LoggedEvent } from '../../../shared/events.ts';
import type { EventBus } from '../events/index.ts';
import type { Clock, Disposable, TimerHandle } from '../lifecycle/index.ts';
import type { Logger, SecretRedactor } from '../logging/index.ts';
import type { Store } from '../store/index.ts';
import { FeedClient } from './feed-client.ts';
import { FeedCommandRunner, type FeedCommands } from './feed-commands.ts';
import { toEventRuns } from './event-frames.ts';
import { readOrCreateFeedToken } from './feed-token.ts';
import {
  hasRequestBody,
  httpApiProtocolVersion,
  httpStatusForError,
  routeApiRequest,
} from './http-api.ts';
import { checkHostAndOrigin, checkToken, offeredSubprotocols } from './request-guard.ts';
import { serveStaticFile } from './static-files.ts';

/** Limits of the feed; the defaults suit a desktop agent. */
export interface FeedLimits {
  /** WebSocket clients at once (default 32); more get 503. */
  maxClients: number;
  /** How far behind (in events) a reconnecting client may be and still replay (default 10,000). */
  maxReplayEvents: number;
  /** Unsent bytes per client; beyond them it catches up from the log (default 1 MiB). */
  maxBufferedBytes: number;
  /** Unsent bytes above which a client's progress is coalesced (default 64 KiB). */
  progressHoldBytes: number;
  /** How long a client that is behind may read nothing before it is closed (default 15 s). */
  stallTimeoutMs: number;
  /** How often the event log is checked for events another process wrote (default 1 s). */
  logPollIntervalMs: number;
  /** How long a closing client gets to finish the close handshake (default 5 s). */
  closeGraceMs: number;
}

/** Everything the feed needs; the agent wires it (src/main/core/agent.ts). */
export interface FeedOptions {
  /** The port to listen on (0: any free port); 127.0.0.1 only. */
  port: number;
  /** The config the agent runs with now (it changes when settings are saved). */
  getConfig(): Config;
  /** The user config file, named in the busy-port error. */
  configPath: string;
  dataDir: string;
  store: Store;
  bus: EventBus;
  logger: Logger;
  clock: Clock;
  commands: FeedCommands;
  redactor: SecretRedactor;
  /** The agent's version, for hello. */
  serverVersion: string;
  /** Origins allowed besides the agent's own page (the Electron shell's). */
  allowedOrigins?: readonly string[];
  /** The UI's built files (default dist/renderer/ of this checkout). */
  staticRoot?: string;
  limits?: Partial<FeedLimits>;
}

/** The running feed. */
export interface Feed extends Disposable {
  /** http://127.0.0.1:PORT (no token). */
  readonly url: string;
  /** The dashboard address with the token in its fragment: print it, never log it. */
  readonly dashboardUrl: string;
  readonly port: number;
  /** The token, for a host that hands it to its window (the Electron shell). */
  readonly token: string;
  /** How many WebSocket clients are connected. */
  readonly clientCount: number;
  /** Closes every socket and the port; idempotent. */
  close(): Promise<void>;
}

/** The port is taken: the agent does not start, and says which port and how to fix it. */
export class FeedPortInUseError extends Error {
  readonly code = 'feed.port-in-use';
  readonly port: number;

  constructor(port: number, configPath: string) {
    super(
      `The status port ${port} on 127.0.0.1 is already in use (another SiteDrop agent, or another program). ` +
        `Set feed.port in ${configPath} to a free port (or 0 for any free port), or stop the program that uses it.`,
    );
    this.port = port;
  }
}

const defaultLimits: FeedLimits = {
  maxClients: 32,
  maxReplayEvents: 10_000,
  maxBufferedBytes: 1024 * 1024,
  progressHoldBytes: 64 * 1024,
  stallTimeoutMs: 15_000,
  logPollIntervalMs: 1_000,
  closeGraceMs: 5_000,
};

const defaultStaticRoot = fileURLToPath(new URL('../../../../dist/renderer/', import.meta.url));
const logIdKey = 'feed.logId';

type CommandOutcome =
  { ok: true; message: ServerMessage & { type: 'result' } } | { ok: false; error: ErrorMessage };

/**
 * Starts the local feed: HTTP and WebSocket on one port on 127.0.0.1, guarded by the data
 * directory's token and by Host and Origin checks (docs/feed.md).
 *
 * @throws FeedPortInUseError when the port is taken.
 */
export async function startFeed(options: FeedOptions): Promise<Feed> {
  const limits: FeedLimits = { ...defaultLimits, ...options.limits };
  const { store, bus, logger, clock } = options;
  const staticRoot = options.staticRoot ?? defaultStaticRoot;
  const allowedOrigins = (options.allowedOrigins ?? []).map((origin) => origin.toLowerCase());
  const token = readOrCreateFeedToken(options.dataDir);
  options.redactor.register(token);
  const logId = store.getMeta(logIdKey) ?? createLogId(store);
  const runner = new FeedCommandRunner({
    store,
    bus,
    clock,
    commands: options.commands,
    getConfig: options.getConfig,
  });
  const clients = new Set<FeedClient>();
  const sockets = new Set<Socket>();
  let pendingUpgrades = 0;
  let isClosed = false;
  let port = options.port;

  const encode = (message: ServerMessage) => Buffer.from(JSON.stringify(message));

  /** Runs a command message of a connection (or the HTTP API) that speaks `version`. */
  const execute = async (raw: unknown, version: FeedProtocolVersion): Promise<CommandOutcome> => {
    const id = requestIdOf(raw);
    const fail = (
      code: string,
      message: string,
      problems: readonly FeedProblem[] = [],
    ): CommandOutcome => ({
      ok: false,
      error: {
        ...errorMessage(code, message, version),
        id,
        ...(problems.length > 0 ? { problems: [...problems] } : {}),
      },
    });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      return fail(feedErrorCodes.malformed, 'A message must be one JSON object.');
    }
    const { v, type } = raw as { v?: unknown; type?: unknown };
    if (v !== version) {
      return fail(
        feedErrorCodes.unsupportedVersion,
        `This connection speaks feed protocol version ${version} ("v": ${version}); the message has "v": ${JSON.stringify(v ?? null)}.`,
      );
    }
    if (typeof type !== 'string' || !(commandTypes as string[]).includes(type)) {
      return fail(
        feedErrorCodes.unknownType,
        `Unknown message type ${JSON.stringify(type ?? null)}; the types are ${commandTypes.join(', ')}.`,
      );
    }
    const parsed = ClientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`,
      );
      return fail(
        feedErrorCodes.malformed,
        `The ${type} message is malformed: ${issues.join('; ')}.`,
      );
    }
    try {
      const result = await runner.run(parsed.data);
      return {
        ok: true,
        message: {
          type: 'result',
          v: version,
          id: parsed.data.id,
          command: parsed.data.type,
          result,
        } as ServerMessage & { type: 'result' },
      };
    } catch (error) {
      if (error instanceof FeedCommandError) {
        return fail(error.code, options.redactor.redactText(error.message), error.problems);
      }
      logger.error({ err: error, command: type }, 'A feed command failed');
      return fail(
        feedErrorCodes.internal,
        `The agent hit a problem running ${type}; the log file has the details.`,
      );
    }
  };

  const onFrame = (client: FeedClient, data: RawData, isBinary: boolean) => {
    const reply = (outcome: CommandOutcome) => {
      sendMessage(client, outcome.ok ? outcome.message : outcome.error);
    };
    if (isBinary) {
      reply({
        ok: false,
        error: errorMessage(
          feedErrorCodes.malformed,
          'Send each message as a text frame holding one JSON object.',
          client.version,
        ),
      });
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(rawDataToText(data));
    } catch {
      reply({
        ok: false,
        error: errorMessage(
          feedErrorCodes.malformed,
          'The message is not valid JSON.',
          client.version,
        ),
      });
      return;
    }
    void execute(raw, client.version).then(reply);
  };

  const onConnection = (socket: WebSocket, resume: { lastSeq?: number; logId?: string }) => {
    // Events committed earlier in this turn go out first, so that seq below is what was sent.
    sendPublishedEvents();
    const client = new FeedClient(socket, protocolVersionOf(socket.protocol), store, clock, limits);
    clients.add(client);
    socket.once('close', () => clients.delete(client));
    socket.on('error', (error) => logger.debug({ err: error }, 'A feed connection failed'));
    socket.on('message', (data, isBinary) => onFrame(client, data, isBinary));
    const seq = store.lastEventSeq();
    const canReplay =
      resume.lastSeq !== undefined &&
      (resume.logId === undefined || resume.logId === logId) &&
      resume.lastSeq <= seq &&
      seq - resume.lastSeq <= limits.maxReplayEvents;
    const hello: HelloMessage = {
      type: 'hello',
      v: client.version,
      server: { name: 'sitedrop', version: options.serverVersion, pid: process.pid },
      logId,
      seq,
      sync:
        canReplay && resume.lastSeq !== undefined
          ? { mode: 'events', fromSeq: resume.lastSeq, toSeq: seq }
          : { mode: 'snapshot' },
      availableCommands: runner.availableCommands(),
      limits: {
        maxClientFrameBytes: feedMaxClientFrameBytes,
        maxReplayEvents: limits.maxReplayEvents,
      },
    };
    client.sendMessage(encode(hello));
    if (hello.sync.mode === 'events') {
      client.startWithReplay(hello.sync.fromSeq);
    } else {
      const snapshot = runner.takeSnapshot();
      client.sendMessage(encode({ type: 'snapshot', v: client.version, snapshot }));
      client.startAfterSnapshot(snapshot.seq);
    }
  };

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
      rejectUpgrade(socket, status, errorMessage(code, message));
    if (url.pathname !== feedPath) {
      return refuse(404, feedErrorCodes.notFound, `The feed is at ${feedPath}.`);
    }
    const guard = { port, allowedOrigins };
    const hostRefusal = checkHostAndOrigin(request.headers, guard);
    if (hostRefusal)
      return refuse(hostRefusal.status, feedErrorCodes.forbidden, hostRefusal.message);
    const tokenRefusal = checkToken(request.headers, token, true);
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
    if (isClosed) return refuse(503, feedErrorCodes.unavailable, 'The agent is stopping.');
    if (clients.size + pendingUpgrades >= limits.maxClients) {
      return refuse(
        503,
        feedErrorCodes.unavailable,
        `Too many feed clients (at most ${limits.maxClients}); close other dashboard tabs and reconnect.`,
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
      if (isClosed) {
        webSocket.close(feedCloseCodes.goingAway, 'agent stopping');
        return;
      }
      onConnection(webSocket, resume);
    });
  };

  const onRequest = async (request: IncomingMessage, response: ServerResponse) => {
    setSecurityHeaders(response);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const sendJson = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      response.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        ...headers,
      });
      response.end(text);
    };
    const refusal = checkHostAndOrigin(request.headers, { port, allowedOrigins });
    if (refusal) {
      return sendJson(refusal.status, errorMessage(feedErrorCodes.forbidden, refusal.message));
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      response.setHeader('Cache-Control', 'no-store');
      const tokenRefusal = checkToken(request.headers, token, false);
      if (tokenRefusal) {
        return sendJson(401, errorMessage(feedErrorCodes.unauthorized, tokenRefusal.message), {
          'WWW-Authenticate': 'Bearer realm="sitedrop"',
        });
      }
      const method = request.method ?? 'GET';
      let body: Record<string, unknown> = {};
      if (hasRequestBody(method)) {
        const read = await readJsonBody(request, feedMaxClientFrameBytes);
        if (read.kind === 'too-large') {
          return sendJson(
            413,
            errorMessage(
              feedErrorCodes.tooLarge,
              `The request body is larger than ${feedMaxClientFrameBytes} bytes.`,
            ),
          );
        }
        if (read.kind === 'invalid') {
          return sendJson(
            400,
            errorMessage(feedErrorCodes.malformed, 'The request body must be one JSON object.'),
          );
        }
        body = read.value;
      }
      const route = routeApiRequest(method, url.pathname, url.searchParams, body);
      if (route.kind === 'not-found') {
        return sendJson(
          404,
          errorMessage(feedErrorCodes.notFound, `There is no ${url.pathname}; see docs/feed.md.`),
        );
      }
      if (route.kind === 'method-not-allowed') {
        return sendJson(
          405,
          errorMessage(
            feedErrorCodes.methodNotAllowed,
            `${url.pathname} takes ${route.allow.join(' or ')}.`,
          ),
          { Allow: route.allow.join(', ') },
        );
      }
      const outcome = await execute(route.message, httpApiProtocolVersion);
      if (outcome.ok) return sendJson(200, outcome.message.result);
      return sendJson(httpStatusForError(outcome.error.code), { ...outcome.error, id: null });
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
    response.setHeader('Content-Security-Policy', contentSecurityPolicy(port));
    await serveStaticFile(staticRoot, url.pathname, request.method === 'HEAD', response);
  };

  const server = http.createServer((request, response) => {
    onRequest(request, response).catch((error: unknown) => {
      logger.error({ err: error, path: request.url }, 'A feed HTTP request failed');
      if (response.headersSent) {
        response.destroy();
      } else {
        response.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
        response.end(
          JSON.stringify(
            errorMessage(feedErrorCodes.internal, 'The agent hit a problem; the log has details.'),
          ),
        );
      }
    });
  });
  server.maxConnections = limits.maxClients * 8;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', onUpgrade);

  port = await listen(server, options.port, options.configPath);

  // Logged events are gathered as the bus publishes them and sent at the end of the turn (a
  // microtask), or before anything else is sent: a group commit's hundred events become one
  // `events` frame per version-2 client instead of a hundred socket writes each (issue 7).
  let published: LoggedEvent[] = [];
  const sendPublishedEvents = () => {
    if (published.length === 0) return;
    const events = published;
    published = [];
    if (clients.size === 0) return;
    // A listener's own transaction publishes its events in the middle of another publish.
    events.sort((a, b) => a.seq - b.seq);
    for (const run of toEventRuns(events, limits.maxBufferedBytes / 4)) {
      for (const client of clients) client.offerEvents(run);
    }
  };
  // As the bus does for its listeners: a failure here is logged and never ends the agent.
  const sendAtEndOfTurn = () => {
    try {
      sendPublishedEvents();
    } catch (error) {
      logger.error({ err: error }, 'The feed failed to send events');
    }
  };
  const sendMessage = (client: FeedClient, message: ServerMessage) => {
    sendPublishedEvents();
    client.sendMessage(encode(message));
  };

  const subscription = bus.onDidAny((event) => {
    if (clients.size === 0) return;
    if (event.seq === undefined) {
      if (event.type !== 'item.progress') return;
      sendPublishedEvents();
      const frames = new Map<FeedProtocolVersion, Buffer>();
      for (const client of clients) {
        let frame = frames.get(client.version);
        if (frame === undefined) {
          frame = encode({ type: 'progress', v: client.version, ...event.data, at: event.at });
          frames.set(client.version, frame);
        }
        client.offerProgress(event.data.itemId, frame);
      }
      return;
    }
    if (published.length === 0) queueMicrotask(sendAtEndOfTurn);
    published.push(event);
  });

  // Events another process wrote (`sitedrop retry` beside the running agent) never pass this
  // process's bus: a cheap look at the log's last seq each second sends them on, in order and
  // once, through the clients' catch-up from the log (DESIGN.md, "The feed").
  let logPollTimer: TimerHandle | undefined;
  const pollEventLog = () => {
    logPollTimer = undefined;
    if (isClosed) return;
    if (clients.size > 0) {
      const lastSeq = store.lastEventSeq();
      for (const client of clients) client.noticeLoggedSeq(lastSeq);
    }
    logPollTimer = clock.setTimeout(pollEventLog, limits.logPollIntervalMs);
  };
  pollEventLog();

  const url = `http://127.0.0.1:${port}`;
  logger.info({ url }, 'Status feed listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    dashboardUrl: `${url}/#token=${token}`,
    port,
    token,
    get clientCount() {
      return clients.size;
    },
    close() {
      closing ??= (async () => {
        // Events of this turn (agent.stopped) go out before the clients are told to go.
        sendPublishedEvents();
        isClosed = true;
        void logPollTimer?.close();
        void subscription.close();
        runner.close();
        const closed = [...clients].map(
          (client) =>
            new Promise<void>((resolve) => {
              client.onDidClose(resolve);
              client.close(feedCloseCodes.goingAway, 'agent stopping');
            }),
        );
        await Promise.race([Promise.all(closed), delay(500)]);
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        wss.close();
      })();
      return closing;
    },
  };
}

function createLogId(store: Store): string {
  const logId = crypto.randomBytes(8).toString('hex');
  store.setMeta(logIdKey, logId);
  return logId;
}

/** An error message; HTTP answers (and refused upgrades) carry the HTTP API's version. */
function errorMessage(
  code: string,
  message: string,
  version: FeedProtocolVersion = httpApiProtocolVersion,
): ErrorMessage {
  return { type: 'error', v: version, id: null, code, message };
}

/** The newest feed subprotocol among those offered, if any. */
function newestSubprotocolOf(offered: readonly string[]): string | undefined {
  return [...feedProtocolVersions]
    .reverse()
    .map(feedSubprotocolOf)
    .find((protocol) => offered.includes(protocol));
}

/** The protocol version of the subprotocol the server selected. */
function protocolVersionOf(subprotocol: string): FeedProtocolVersion {
  return (
    feedProtocolVersions.find((version) => feedSubprotocolOf(version) === subprotocol) ??
    feedProtocolVersion
  );
}

function requestIdOf(raw: unknown): string | null {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : null;
}

function rawDataToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function parseResume(query: URLSearchParams): { lastSeq?: number; logId?: string } | string {
  const resume: { lastSeq?: number; logId?: string } = {};
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

function listen(server: http.Server, port: number, configPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new FeedPortInUseError(port, configPath) : error);
    };
    server.once('error', onError);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * A real-time wait, not the Clock's: it bounds how long shutdown waits for sockets, which must
 * hold even when a test drives the agent with a test clock.
 */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
