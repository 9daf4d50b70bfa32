import type { LoggedEvent } from '../../../../shared/events.ts';
import type { FeedProtocolVersion, ServerMessage } from '../../../../shared/feed-protocol.ts';
import type { EventBus } from '../../events/index.ts';
import type { Clock, Disposable, TimerHandle } from '../../lifecycle/index.ts';
import type { Logger } from '../../logging/index.ts';
import type { Store } from '../../store/index.ts';
import { toEventRuns, type EventRun } from './event-frames.ts';

/**
 * What the broadcast needs of one connected client (the WebSocket's FeedClient): it paces its
 * own socket, so the broadcast only offers.
 */
export interface EventReceiver {
  /** The protocol version the client speaks. */
  readonly version: FeedProtocolVersion;
  /** Offers a run of logged events with consecutive seqs. */
  offerEvents(run: EventRun): void;
  /** Offers one item's progress frame; a lagging client keeps only the latest per item. */
  offerProgress(itemId: number, frame: Buffer): void;
  /** Tells the client the log's last seq, so it reads events another process wrote. */
  noticeLoggedSeq(seq: number): void;
  /** Sends a message that is not an event (hello, snapshot, a reply). */
  sendMessage(frame: Buffer): void;
  /** Calls listener once the connection is closed (at once if it is). */
  onDidClose(listener: () => void): void;
  /** Closes the connection with a code and reason; idempotent. */
  close(code: number, reason: string): void;
}

/** What the broadcast needs. */
export interface EventBroadcastOptions {
  bus: EventBus;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Unsent bytes per client; a run of events is framed in at most a quarter of them. */
  maxBufferedBytes: number;
  /** How often the event log is checked for events another process wrote. */
  logPollIntervalMs: number;
}

/** A server message as one text frame. */
export function encodeMessage(message: ServerMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}

/**
 * The feed's clients and the events that go to all of them.
 *
 * Logged events are gathered as the bus publishes them and sent at the end of the turn (a
 * microtask), or before anything else is sent to a client: a group commit's hundred events become
 * one `events` frame per version-2 client instead of a hundred socket writes each, and each event
 * is serialized once for every client (event-frames.ts). Progress is framed once per protocol
 * version and offered to each client. Events another process wrote (`sitedrop retry` beside the
 * running agent) never pass this process's bus: a cheap look at the log's last seq each
 * logPollIntervalMs sends them on, in order and once, through each client's catch-up from the log.
 */
export class EventBroadcast implements Disposable {
  readonly #clients = new Set<EventReceiver>();
  readonly #options: EventBroadcastOptions;
  readonly #subscription: Disposable;
  #published: LoggedEvent[] = [];
  #logPollTimer: TimerHandle | undefined;
  #isClosed = false;

  constructor(options: EventBroadcastOptions) {
    this.#options = options;
    this.#subscription = options.bus.onDidAny((event) => {
      if (this.#clients.size === 0) return;
      if (event.seq === undefined) {
        if (event.type === 'item.progress') this.#sendProgress(event.data, event.at);
        return;
      }
      if (this.#published.length === 0) queueMicrotask(this.#sendAtEndOfTurn);
      this.#published.push(event);
    });
    this.#pollEventLog();
  }

  /** How many clients are connected. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** Adds a client; it leaves when its connection closes. */
  add(client: EventReceiver): void {
    this.#clients.add(client);
    client.onDidClose(() => this.#clients.delete(client));
  }

  /**
   * Sends the events published so far in this turn to every client. Called before anything else
   * is sent, so that a client never gets a message that reflects events it was not sent yet.
   */
  flush(): void {
    if (this.#published.length === 0) return;
    const events = this.#published;
    this.#published = [];
    if (this.#clients.size === 0) return;
    // A listener's own transaction publishes its events in the middle of another publish.
    events.sort((a, b) => a.seq - b.seq);
    for (const run of toEventRuns(events, this.#options.maxBufferedBytes / 4)) {
      for (const client of this.#clients) client.offerEvents(run);
    }
  }

  /** Sends one message to one client, after the events published before it. */
  send(client: EventReceiver, message: ServerMessage): void {
    this.flush();
    client.sendMessage(encodeMessage(message));
  }

  /**
   * Closes every client with a code and reason; resolves once all are closed or after
   * `waitMs` of real time, whichever comes first.
   */
  async closeClients(code: number, reason: string, waitMs: number): Promise<void> {
    const closed = [...this.#clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          client.onDidClose(resolve);
          client.close(code, reason);
        }),
    );
    await Promise.race([Promise.all(closed), delay(waitMs)]);
  }

  /** Sends what this turn published, then stops listening to the bus and polling the log. */
  close(): void {
    if (this.#isClosed) return;
    this.flush();
    this.#isClosed = true;
    void this.#logPollTimer?.close();
    void this.#subscription.close();
  }

  // As the bus does for its listeners: a failure here is logged and never ends the agent.
  readonly #sendAtEndOfTurn = (): void => {
    try {
      this.flush();
    } catch (error) {
      this.#options.logger.error({ err: error }, 'The feed failed to send events');
    }
  };

  #sendProgress(
    progress: { itemId: number; sentBytes: number; totalBytes: number },
    at: number,
  ): void {
    this.flush();
    const frames = new Map<FeedProtocolVersion, Buffer>();
    for (const client of this.#clients) {
      let frame = frames.get(client.version);
      if (frame === undefined) {
        frame = encodeMessage({ type: 'progress', v: client.version, ...progress, at });
        frames.set(client.version, frame);
      }
      client.offerProgress(progress.itemId, frame);
    }
  }

  #pollEventLog(): void {
    this.#logPollTimer = undefined;
    if (this.#isClosed) return;
    if (this.#clients.size > 0) {
      const lastSeq = this.#options.store.lastEventSeq();
      for (const client of this.#clients) client.noticeLoggedSeq(lastSeq);
    }
    this.#logPollTimer = this.#options.clock.setTimeout(
      () => this.#pollEventLog(),
      this.#options.logPollIntervalMs,
    );
  }
}

/**
 * A real-time wait, not the Clock's: it bounds how long shutdown waits for sockets, which must
 * hold even when a test drives the agent with a test clock.
 */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
