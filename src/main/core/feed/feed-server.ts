import crypto from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../../shared/config-schema.ts';
import { feedCloseCodes } from '../../../shared/feed-protocol.ts';
import type { EventBus } from '../events/index.ts';
import type { Clock, Disposable } from '../lifecycle/index.ts';
import type { Logger, SecretRedactor } from '../logging/index.ts';
import type { Store } from '../store/index.ts';
import { EventBroadcast } from './broadcast/index.ts';
import { createCommandExecutor, FeedCommandRunner, type FeedCommands } from './commands/index.ts';
import { removeFeedPortFile, writeFeedPortFile } from './feed-port-file.ts';
import { readOrCreateFeedToken } from './feed-token.ts';
import { createRequestHandler, listenOnLoopback, type GuardOptions } from './http/index.ts';
import { createUpgradeHandler } from './websocket/index.ts';

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
/** How long closing waits for clients to finish their close handshakes, in real time. */
const closeWaitMs = 500;

/**
 * Starts the local feed: HTTP and WebSocket on one port on 127.0.0.1, guarded by the data
 * directory's token and by Host and Origin checks (docs/feed.md).
 *
 * Composes the feed's parts: commands/ runs every command for both transports, broadcast/ sends
 * events and progress to every client, websocket/ accepts and paces clients, http/ answers the
 * API and serves the UI.
 *
 * @throws FeedPortInUseError when the port is taken.
 */
export async function startFeed(options: FeedOptions): Promise<Feed> {
  const limits: FeedLimits = { ...defaultLimits, ...options.limits };
  const { store, bus, logger, clock } = options;
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
  const execute = createCommandExecutor({ runner, redactor: options.redactor, logger });
  const broadcast = new EventBroadcast({ bus, store, clock, logger, ...limits });
  const allowedOrigins = (options.allowedOrigins ?? []).map((origin) => origin.toLowerCase());
  let port = options.port;
  let isClosed = false;
  const guard = (): GuardOptions => ({ port, allowedOrigins });
  const upgrades = createUpgradeHandler({
    guard,
    token,
    logger,
    maxClients: limits.maxClients,
    clientCount: () => broadcast.clientCount,
    isClosed: () => isClosed,
    connection: {
      store,
      clock,
      logger,
      broadcast,
      runner,
      execute,
      logId,
      serverVersion: options.serverVersion,
      limits,
    },
  });
  const server = http.createServer(
    createRequestHandler({
      guard,
      token,
      staticRoot: options.staticRoot ?? defaultStaticRoot,
      execute,
      logger,
    }),
  );
  server.maxConnections = limits.maxClients * 8;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', upgrades.onUpgrade);
  try {
    port = await listenOnLoopback(server, options.port, options.configPath);
  } catch (error) {
    broadcast.close();
    runner.close();
    upgrades.close();
    throw error;
  }

  const url = `http://127.0.0.1:${port}`;
  writeFeedPortFile(options.dataDir, port);
  logger.info({ url }, 'Status feed listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    dashboardUrl: `${url}/#token=${token}`,
    port,
    token,
    get clientCount() {
      return broadcast.clientCount;
    },
    close() {
      closing ??= (async () => {
        // Events of this turn (agent.stopped) go out before the clients are told to go.
        broadcast.close();
        isClosed = true;
        runner.close();
        await broadcast.closeClients(feedCloseCodes.goingAway, 'agent stopping', closeWaitMs);
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        removeFeedPortFile(options.dataDir);
        upgrades.close();
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
