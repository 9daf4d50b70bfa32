/**
 * The renderer's one connection to the agent: the WebSocket feed of docs/feed.md.
 *
 * Owns the socket, parses every frame with the protocol's schemas (the boundary; nothing past
 * it parses again), matches replies to requests by id, and reconnects with exponential backoff,
 * offering the last applied `seq` and the log's id so the agent replays what was missed. Does
 * not own what the frames mean: it hands snapshots, events and progress to its listener.
 */
import { exponentialBackoffMs } from '../../shared/backoff.ts';
import type { LoggedEvent } from '../../shared/events.ts';
import {
  feedCloseCodes,
  FeedCommandError,
  feedPath,
  feedProtocolVersion,
  feedSubprotocol,
  feedTokenSubprotocolPrefix,
  ServerMessageSchema,
  type CommandParams,
  type CommandResult,
  type CommandType,
  type HelloMessage,
  type ServerMessage,
  type Snapshot,
} from '../../shared/feed-protocol.ts';

/** The views import the refusal from here; it is the protocol's own (src/shared). */
export { FeedCommandError } from '../../shared/feed-protocol.ts';

/** Where the connection stands, for the header's status line. */
export type ConnectionStatus =
  /** The first connection is being made. */
  | { kind: 'connecting' }
  /** Connected and up to date. */
  | { kind: 'open' }
  /** The connection was lost; the next try is at `nextTryAt` (epoch ms). */
  | { kind: 'reconnecting'; attempt: number; nextTryAt: number }
  /** The page has no token, or the agent refused it: retrying cannot help. */
  | { kind: 'unauthorized'; reason: string };

/** What the connection hands on. Called in frame order. */
export interface FeedListener {
  /** A full picture; replaces whatever the listener holds. */
  onSnapshot(snapshot: Snapshot): void;
  /** One logged event, in seq order, never one already applied. */
  onEvent(event: LoggedEvent): void;
  /** Transient upload progress of one item, as the agent reported it at `atMs` (epoch ms). */
  onProgress(itemId: number, sentBytes: number, totalBytes: number, atMs: number): void;
  onStatus(status: ConnectionStatus): void;
}

/** Reconnect delays: 250 ms doubling to 10 s, each spread by ±20 % (src/shared/backoff.ts). */
const firstRetryDelayMs = 250;
const maxRetryDelayMs = 10_000;
const requestTimeoutMs = 30_000;

interface PendingRequest {
  command: CommandType;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** The WebSocket feed, kept open until `close()`. */
export class FeedConnection {
  readonly #token: string;
  readonly #listener: FeedListener;
  readonly #pageUrl: string;
  readonly #pending = new Map<string, PendingRequest>();
  #socket: WebSocket | undefined;
  #hello: HelloMessage | undefined;
  #lastSeq: number | undefined;
  #logId: string | undefined;
  #failedAttempts = 0;
  #nextRequestId = 1;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #isClosed = false;

  /** @param pageUrl the page's address (`window.location.href`): the feed is on its host. */
  constructor(token: string, listener: FeedListener, pageUrl: string) {
    this.#token = token;
    this.#listener = listener;
    this.#pageUrl = pageUrl;
  }

  /** Opens the first connection. */
  start(): void {
    this.#isClosed = false;
    this.#listener.onStatus({ kind: 'connecting' });
    this.#connect();
  }

  /** The seq of the last event applied (or of the snapshot), for tests and diagnostics. */
  get lastSeq(): number | undefined {
    return this.#lastSeq;
  }

  /** Whether a command is available on this agent (per its last hello). */
  isAvailable(command: CommandType): boolean {
    return this.#hello?.availableCommands.includes(command) ?? false;
  }

  /**
   * Sends a command and resolves with its result.
   *
   * @throws FeedCommandError when the agent refuses it, or when the connection is down.
   */
  request<C extends CommandType>(command: C, params: CommandParams<C>): Promise<CommandResult<C>> {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN || !this.#hello) {
      return Promise.reject(
        new FeedCommandError(
          'connection.down',
          'SiteDrop is not connected to the agent right now; try again once it has reconnected.',
        ),
      );
    }
    const id = `r${this.#nextRequestId++}`;
    return new Promise<CommandResult<C>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new FeedCommandError('connection.timeout', 'The agent did not answer within 30 seconds.'),
        );
      }, requestTimeoutMs);
      this.#pending.set(id, {
        command,
        resolve: (result) => resolve(result as CommandResult<C>),
        reject,
        timer,
      });
      socket.send(JSON.stringify({ ...params, type: command, v: feedProtocolVersion, id }));
    });
  }

  /** Closes the socket and stops reconnecting. Idempotent. */
  close(): void {
    this.#isClosed = true;
    clearTimeout(this.#retryTimer);
    this.#socket?.close(1000, 'page closed');
    this.#socket = undefined;
    this.#rejectPending('The page closed its connection.');
  }

  #connect(): void {
    const url = new URL(feedPath, this.#pageUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.hash = '';
    if (this.#lastSeq !== undefined) {
      url.searchParams.set('lastSeq', String(this.#lastSeq));
      if (this.#logId !== undefined) url.searchParams.set('logId', this.#logId);
    }
    const socket = new WebSocket(url, [feedSubprotocol, feedTokenSubprotocolPrefix + this.#token]);
    this.#socket = socket;
    this.#hello = undefined;
    socket.addEventListener('message', (event) => {
      if (this.#socket === socket) this.#onFrame(event.data);
    });
    socket.addEventListener('close', (event) => {
      if (this.#socket === socket) this.#onClose(event.code);
    });
  }

  #onFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      console.warn('SiteDrop: ignored a feed frame that is not JSON');
      return;
    }
    const parsed = ServerMessageSchema.safeParse(json);
    if (!parsed.success) {
      // A newer agent may send message types this page does not know: ignore them (docs/feed.md,
      // "Versioning"). A known type that does not parse is a bug worth seeing in the console.
      console.warn('SiteDrop: ignored a feed frame that does not match the protocol', parsed.error);
      return;
    }
    this.#onMessage(parsed.data);
  }

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'hello':
        if (this.#logId !== undefined && message.logId !== this.#logId) this.#lastSeq = undefined;
        this.#hello = message;
        this.#logId = message.logId;
        this.#failedAttempts = 0;
        this.#listener.onStatus({ kind: 'open' });
        return;
      case 'snapshot':
        this.#lastSeq = message.snapshot.seq;
        this.#listener.onSnapshot(message.snapshot);
        return;
      case 'event':
        this.#applyEvent(message.event);
        return;
      case 'events':
        for (const event of message.events) this.#applyEvent(event);
        return;
      case 'progress':
        this.#listener.onProgress(
          message.itemId,
          message.sentBytes,
          message.totalBytes,
          message.at,
        );
        return;
      case 'result': {
        const pending = this.#takePending(message.id);
        pending?.resolve(message.result);
        return;
      }
      case 'error': {
        const pending = message.id === null ? undefined : this.#takePending(message.id);
        const error = new FeedCommandError(message.code, message.message, message.problems);
        if (pending) pending.reject(error);
        else console.warn(`SiteDrop: the agent reported ${message.code}: ${message.message}`);
        return;
      }
    }
  }

  /** Hands on one logged event, unless it was applied already (a replay overlaps). */
  #applyEvent(event: LoggedEvent): void {
    if (this.#lastSeq !== undefined && event.seq <= this.#lastSeq) return;
    this.#lastSeq = event.seq;
    this.#listener.onEvent(event);
  }

  #takePending(id: string): PendingRequest | undefined {
    const pending = this.#pending.get(id);
    if (pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
    }
    return pending;
  }

  #rejectPending(message: string): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new FeedCommandError('connection.lost', message));
      this.#pending.delete(id);
    }
  }

  #onClose(code: number): void {
    const wasOpen = this.#hello !== undefined;
    this.#socket = undefined;
    this.#hello = undefined;
    this.#rejectPending(
      'The connection to the agent was lost before it answered; try again once it has reconnected.',
    );
    if (this.#isClosed) return;
    if (!wasOpen) {
      // The upgrade was refused or the agent is down; a browser does not say which, so ask.
      void this.#checkToken().then((isRefused) => {
        if (this.#isClosed) return;
        if (isRefused) {
          this.#listener.onStatus({
            kind: 'unauthorized',
            reason:
              'The agent did not accept this page’s access key. Open the dashboard link the agent printed when it started (it ends in #token=…).',
          });
        } else {
          this.#scheduleReconnect(false);
        }
      });
      return;
    }
    this.#scheduleReconnect(code === feedCloseCodes.tooSlow);
  }

  /** Whether the agent answers but refuses the token (401), as opposed to not answering. */
  async #checkToken(): Promise<boolean> {
    try {
      const response = await fetch('/api/status', {
        headers: { Authorization: `Bearer ${this.#token}` },
        cache: 'no-store',
      });
      return response.status === 401;
    } catch {
      return false;
    }
  }

  #scheduleReconnect(isImmediate: boolean): void {
    this.#failedAttempts += 1;
    const delayMs = isImmediate
      ? 0
      : exponentialBackoffMs(
          {
            firstDelayMs: firstRetryDelayMs,
            maxDelayMs: maxRetryDelayMs,
            attempt: this.#failedAttempts,
          },
          { jitterRatio: 0.2, random: Math.random },
        );
    this.#listener.onStatus({
      kind: 'reconnecting',
      attempt: this.#failedAttempts,
      nextTryAt: Date.now() + delayMs,
    });
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      if (!this.#isClosed) this.#connect();
    }, delayMs);
  }
}
