import crypto from 'node:crypto';
import http from 'node:http';
import { onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import {
  ServerMessageSchema,
  feedPath,
  feedSubprotocolOf,
  feedTokenSubprotocolPrefix,
  type FeedProtocolVersion,
  type CommandParams,
  type CommandResult,
  type CommandType,
  type ErrorMessage,
  type ServerMessage,
} from '../../src/shared/feed-protocol.ts';

/** Where a feed listens and its token. */
export interface FeedAddress {
  port: number;
  token: string;
}

/**
 * A feed client as a UI would be: it offers the token as a subprotocol and parses every frame
 * with the protocol's schema (a frame that does not parse fails the test). Closed when the test
 * finishes.
 *
 * It speaks protocol version 1 (one `event` per frame) unless told otherwise: the tests that
 * count frames were written for it, and keep proving that a version-1 client is still served.
 * Version 2's `events` frames are received as they come; `events()` lists the events of both.
 */
export class TestFeedClient {
  readonly socket: WebSocket;
  readonly version: FeedProtocolVersion;
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];
  #requestCount = 0;

  private constructor(socket: WebSocket, version: FeedProtocolVersion) {
    this.socket = socket;
    this.version = version;
    socket.on('message', (data: Buffer) => {
      this.received.push(ServerMessageSchema.parse(JSON.parse(data.toString('utf8'))));
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
        for (const wake of this.#waiters.splice(0)) wake();
      }),
    );
    onTestFinished(() => {
      socket.terminate();
    });
  }

  /** Connects with the token (or as told) and waits for the connection to open. */
  static async connect(
    address: FeedAddress,
    options: {
      lastSeq?: number;
      logId?: string;
      origin?: string;
      version?: FeedProtocolVersion;
    } = {},
  ): Promise<TestFeedClient> {
    const version = options.version ?? 1;
    const query = new URLSearchParams();
    if (options.lastSeq !== undefined) query.set('lastSeq', String(options.lastSeq));
    if (options.logId !== undefined) query.set('logId', options.logId);
    const url = `ws://127.0.0.1:${address.port}${feedPath}${query.size > 0 ? `?${query}` : ''}`;
    const socket = new WebSocket(
      url,
      [feedSubprotocolOf(version), `${feedTokenSubprotocolPrefix}${address.token}`],
      options.origin ? { origin: options.origin } : {},
    );
    const client = new TestFeedClient(socket, version);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Waits until a message matching the predicate arrived after index `from`; returns it. */
  async waitFor<T extends ServerMessage>(
    predicate: (message: ServerMessage) => message is T,
    from = 0,
    timeoutMs = 5_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.slice(from).find(predicate);
      if (found) return found;
      if (this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`closed before the message arrived; got ${this.describe()}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out; got ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until `count` messages arrived in total. */
  async waitForCount(count: number, timeoutMs = 5_000): Promise<ServerMessage[]> {
    await this.waitFor(
      (_message): _message is ServerMessage => this.received.length >= count,
      0,
      timeoutMs,
    );
    return this.received;
  }

  /** The logged events received, in order of arrival, from `event` and `events` frames. */
  events() {
    return this.received.flatMap((message) =>
      message.type === 'event' ? [message.event] : message.type === 'events' ? message.events : [],
    );
  }

  /** Sends a command and waits for its reply (result or error). */
  async request<C extends CommandType>(
    type: C,
    params: CommandParams<C>,
  ): Promise<{ ok: true; result: CommandResult<C> } | { ok: false; error: ErrorMessage }> {
    this.#requestCount += 1;
    const id = `r${this.#requestCount}`;
    this.send({ type, v: this.version, id, ...params });
    const reply = await this.waitFor(
      (message): message is Extract<ServerMessage, { type: 'result' | 'error' }> =>
        (message.type === 'result' || message.type === 'error') && message.id === id,
      0,
      10_000,
    );
    return reply.type === 'result'
      ? { ok: true, result: reply.result as CommandResult<C> }
      : { ok: false, error: reply };
  }

  /** Sends a raw frame (a string as is, anything else as JSON). */
  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  close(): void {
    this.socket.close();
  }

  describe(): string {
    return JSON.stringify(this.received.map((message) => message.type));
  }
}

/** The status of a WebSocket upgrade attempt with exactly these headers (101 when accepted). */
export function upgradeStatus(
  port: number,
  headers: Record<string, string>,
  path = feedPath,
): Promise<{ status: number; body: string; protocol: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    request.once('upgrade', (response, socket) => {
      socket.destroy();
      resolve({
        status: response.statusCode ?? 0,
        body: '',
        protocol: response.headers['sec-websocket-protocol'],
      });
    });
    request.once('response', (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, body, protocol: undefined }),
      );
    });
    request.once('error', reject);
    request.end();
  });
}

/** An HTTP request to the feed's port; the body is parsed as JSON when it is JSON. */
export function httpRequest(
  port: number,
  method: string,
  path: string,
  options: { token?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; json: unknown }> {
  return new Promise((resolve, reject) => {
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    const request = http.request({
      host: '127.0.0.1',
      port,
      method,
      path,
      headers: {
        ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...options.headers,
      },
    });
    request.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.once('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
    });
    request.once('error', reject);
    request.end(body);
  });
}
