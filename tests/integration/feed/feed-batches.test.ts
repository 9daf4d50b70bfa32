import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { LoggedEvent } from '../../../src/shared/events.ts';
import type { ServerMessage } from '../../../src/shared/feed-protocol.ts';
import {
  FeedConnection,
  type ConnectionStatus,
} from '../../../src/renderer/feed/feed-connection.ts';
import type { Store } from '../../../src/main/core/store/index.ts';
import { TestFeedClient } from '../../helpers/feed-client.ts';
import { queueItem } from '../../helpers/store.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startTestFeed } from './start-test-feed.ts';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
/** A waitFor predicate that checks a condition of the client rather than one message. */
const when =
  (condition: () => boolean) =>
  (_message: ServerMessage): _message is ServerMessage =>
    condition();
const isType =
  <T extends ServerMessage['type']>(type: T) =>
  (message: ServerMessage): message is Of<T> =>
    message.type === type;

/** Queues `count` files in one transaction, as one group commit of intake does. */
function commitQueued(store: Store, count: number, name = 'file', pathPadding = ''): void {
  store.transaction(() => {
    for (let index = 0; index < count; index += 1) {
      queueItem(store, { relativePath: `${name}-${index}${pathPadding}.pdf` });
    }
  });
}

function range(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, index) => first + index);
}

/** Counts the frames the feed hands to ws, per socket, while installed (this process only). */
function countServerSends() {
  const sends = new Map<WebSocket, number>();
  let largestBufferedBytes = 0;
  const original = WebSocket.prototype.send;
  vi.spyOn(WebSocket.prototype, 'send').mockImplementation(function (
    this: WebSocket,
    ...args: Parameters<WebSocket['send']>
  ) {
    sends.set(this, (sends.get(this) ?? 0) + 1);
    original.apply(this, args);
    largestBufferedBytes = Math.max(largestBufferedBytes, this.bufferedAmount);
  });
  return {
    sends,
    get largestBufferedBytes() {
      return largestBufferedBytes;
    },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the feed frames the events of one commit together (protocol version 2)', () => {
  it('sends a version-2 client one frame per commit and a version-1 client one per event', async () => {
    const { feed, store } = await startTestFeed();
    const current = await TestFeedClient.connect(feed, { version: 2 });
    const older = await TestFeedClient.connect(feed);
    const start = (await current.waitFor(isType('snapshot'))).snapshot.seq;
    await older.waitFor(isType('snapshot'));
    expect(current.received.map((message) => [message.type, message.v])).toEqual([
      ['hello', 2],
      ['snapshot', 2],
    ]);

    commitQueued(store, 120);
    await new Promise((resolve) => setImmediate(resolve));
    commitQueued(store, 3, 'second');
    await current.waitFor(when(() => current.events().length === 123));
    await older.waitForCount(2 + 123);

    const frames = current.received.slice(2);
    expect(frames.map((message) => [message.type, message.v])).toEqual([
      ['events', 2],
      ['events', 2],
    ]);
    expect(current.events().map((event) => event.seq)).toEqual(range(start + 1, start + 123));
    expect(older.received.slice(2).every((message) => message.type === 'event')).toBe(true);
    expect(older.events()).toEqual(current.events());
    // Commands and their replies carry the connection's version.
    expect(await current.request('getStatus', {})).toMatchObject({ ok: true });
    expect(current.received.at(-1)).toMatchObject({ type: 'result', v: 2 });
    expect(await older.request('getStatus', {})).toMatchObject({ ok: true });
  });

  it('serializes each event once and writes one frame per commit, however many clients', async () => {
    const { feed, store } = await startTestFeed();
    const clients = await Promise.all([
      ...Array.from({ length: 5 }, () => TestFeedClient.connect(feed, { version: 2 })),
      TestFeedClient.connect(feed),
    ]);
    for (const client of clients) await client.waitFor(isType('snapshot'));
    const counter = countServerSends();
    const stringify = vi.spyOn(JSON, 'stringify');
    commitQueued(store, 40);
    // A serialization of an event: the event itself, or a message that holds it.
    const eventSerializations = () =>
      stringify.mock.calls.filter(([value]) => {
        const message = value as { seq?: unknown; event?: { seq?: unknown } } | null;
        return (
          typeof message === 'object' &&
          message !== null &&
          (typeof message.seq === 'number' || typeof message.event?.seq === 'number')
        );
      }).length;
    for (const client of clients) await client.waitFor(when(() => client.events().length === 40));

    expect(eventSerializations()).toBe(40);
    const perSocket = [...counter.sends.values()].sort((a, b) => a - b);
    // Five version-2 sockets got one frame each; the version-1 socket one per event.
    expect(perSocket).toEqual([1, 1, 1, 1, 1, 40]);
  });

  it('replays exactly what a client missed, whatever batch its last seq fell in', async () => {
    const { feed, store } = await startTestFeed({ limits: { maxBufferedBytes: 64 * 1024 } });
    const first = await TestFeedClient.connect(feed, { version: 2 });
    const hello = await first.waitFor(isType('hello'));
    const start = (await first.waitFor(isType('snapshot'))).snapshot.seq;
    commitQueued(store, 30, 'a');
    commitQueued(store, 30, 'b');
    await first.waitFor(when(() => first.events().length === 60));
    first.close();
    await first.closed;
    // Missed while away: more than one replay page (50 events), in frames of at most a quarter
    // of the cap.
    commitQueued(store, 130, 'c', 'x'.repeat(200));

    // The end of a batch, and the middle of one.
    for (const lastSeq of [start + 30, start + 45]) {
      const end = store.lastEventSeq();
      const again = await TestFeedClient.connect(feed, {
        version: 2,
        lastSeq,
        logId: hello.logId,
      });
      await again.waitFor(when(() => again.events().length >= end - lastSeq));
      expect(again.received[0]).toMatchObject({ type: 'hello', v: 2, sync: { mode: 'events' } });
      expect(again.events().map((event) => event.seq)).toEqual(range(lastSeq + 1, end));
      const frames = again.received.filter(isType('events'));
      expect(frames.length).toBeGreaterThan(2);
      expect(Math.max(...frames.map((frame) => JSON.stringify(frame).length))).toBeLessThanOrEqual(
        16 * 1024 + 1024,
      );
      commitQueued(store, 2, `live-${lastSeq}`);
      await again.waitFor(when(() => again.events().length === end + 2 - lastSeq));
      expect(again.events().map((event) => event.seq)).toEqual(range(lastSeq + 1, end + 2));
      again.close();
      await again.closed;
    }
  });

  it('keeps a version-2 client that stops reading within its cap, then brings it up to date', async () => {
    const maxBufferedBytes = 256 * 1024;
    const { feed, store } = await startTestFeed({ limits: { maxBufferedBytes } });
    const paused = await TestFeedClient.connect(feed, { version: 2 });
    const reader = await TestFeedClient.connect(feed, { version: 2 });
    const start = (await paused.waitFor(isType('snapshot'))).snapshot.seq;
    await reader.waitFor(isType('snapshot'));
    const counter = countServerSends();
    paused.socket.pause();
    // 40 commits of 100 events of ~2 KB: far more than the kernel's socket buffers and the cap.
    for (let commit = 0; commit < 40; commit += 1) {
      commitQueued(store, 100, `c${commit}`, 'n'.repeat(2_000));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const all = range(start + 1, start + 4_000);
    await reader.waitFor(
      when(() => reader.events().length === 4_000),
      0,
      20_000,
    );
    expect(reader.events().map((event) => event.seq)).toEqual(all);
    // The paused client's buffer reached the cap's region, and never passed it.
    expect(counter.largestBufferedBytes).toBeGreaterThan(maxBufferedBytes / 2);
    expect(counter.largestBufferedBytes).toBeLessThanOrEqual(maxBufferedBytes + 1024);

    paused.socket.resume();
    await paused.waitFor(
      when(() => paused.events().length >= 4_000),
      0,
      20_000,
    );
    expect(paused.events().map((event) => event.seq)).toEqual(all);
  });
});

describe("the dashboard's feed client", () => {
  it('applies batch frames and live events in order, and after a restart replays what it missed', async () => {
    const dataDir = makeTempDir('sitedrop-feed-');
    const first = await startTestFeed({ dataDir });
    const applied: LoggedEvent[] = [];
    const statuses: ConnectionStatus['kind'][] = [];
    let snapshotSeq: number | undefined;
    const connection = new FeedConnection(
      first.feed.token,
      {
        onSnapshot: (snapshot) => (snapshotSeq = snapshot.seq),
        onEvent: (event) => applied.push(event),
        onProgress: () => undefined,
        onStatus: (status) => statuses.push(status.kind),
      },
      `${first.feed.url}/`,
    );
    connection.start();
    try {
      await vi.waitFor(() => expect(snapshotSeq).toBeDefined());
      const start = snapshotSeq ?? 0;
      commitQueued(first.store, 75, 'a');
      commitQueued(first.store, 25, 'b');
      await vi.waitFor(() => expect(connection.lastSeq).toBe(start + 100));
      expect(applied.map((event) => event.seq)).toEqual(range(start + 1, start + 100));

      await first.feed.close();
      commitQueued(first.store, 60, 'missed');
      const second = await startTestFeed({ dataDir, port: first.feed.port });
      await vi.waitFor(() => expect(connection.lastSeq).toBe(start + 160), { timeout: 5_000 });
      commitQueued(second.store, 10, 'live');
      await vi.waitFor(() => expect(connection.lastSeq).toBe(start + 170));
      // Every event once, in order, across the batch frames, the restart and the replay.
      expect(applied.map((event) => event.seq)).toEqual(range(start + 1, start + 170));
      expect(statuses).toContain('reconnecting');
    } finally {
      connection.close();
    }
  });
});
