import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/main/core/events/index.ts';
import { Store } from '../../../src/main/core/store/index.ts';
import type { ServerMessage } from '../../../src/shared/feed-protocol.ts';
import { TestFeedClient } from '../../helpers/feed-client.ts';
import { queueItem } from '../../helpers/store.ts';
import { TestClock } from '../../helpers/test-clock.ts';
import { startTestFeed } from './start-test-feed.ts';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
const isType =
  <T extends ServerMessage['type']>(type: T) =>
  (message: ServerMessage): message is Of<T> =>
    message.type === type;

describe('the feed keeps a client current', () => {
  it('sends hello, then a snapshot, then every event in order', async () => {
    const { feed, store } = await startTestFeed({
      userConfig: { folders: [{ id: 'requests', path: '/srv/requests', label: 'Requests' }] },
    });
    queueItem(store, { folderId: 'requests', relativePath: 'a.pdf' });
    queueItem(store, { folderId: 'requests', relativePath: 'b.pdf' });
    const client = await TestFeedClient.connect(feed);
    const snapshot = await client.waitFor(isType('snapshot'));
    expect(client.received[0]).toMatchObject({
      type: 'hello',
      v: 1,
      server: { name: 'sitedrop' },
      sync: { mode: 'snapshot' },
      seq: snapshot.snapshot.seq,
    });
    expect(snapshot.snapshot.counts.queued).toBe(2);
    expect(snapshot.snapshot.items.map((item) => item.path)).toEqual(['b.pdf', 'a.pdf']);
    expect(snapshot.snapshot.nextCursor).toBeNull();
    expect(snapshot.snapshot.folders).toEqual([
      expect.objectContaining({
        id: 'requests',
        label: 'Requests',
        health: { status: 'unknown', reason: null, changedAt: null },
        counts: expect.objectContaining({ queued: 2, delivered: 0 }),
      }),
    ]);
    expect(snapshot.snapshot.connection).toMatchObject({
      isConfigured: false,
      status: 'not-configured',
    });

    const c = queueItem(store, { folderId: 'requests', relativePath: 'c.pdf' });
    store.transitionItem(c.id, 'uploading', { attempt: 1 });
    const events = () => client.events();
    await client.waitForCount(4);
    expect(events().map((event) => [event.seq, event.type])).toEqual([
      [snapshot.snapshot.seq + 1, 'item.queued'],
      [snapshot.snapshot.seq + 2, 'item.uploading'],
    ]);
  });

  it("counts every item in the snapshot's totals, also those of a folder no longer configured", async () => {
    const { feed, store } = await startTestFeed({
      userConfig: { folders: [{ id: 'requests', path: '/srv/requests' }] },
    });
    queueItem(store, { folderId: 'removed', relativePath: 'old.pdf' });
    const failed = queueItem(store, { folderId: 'removed', relativePath: 'older.pdf' });
    store.transitionItem(failed.id, 'failed', { errorCode: 'x', errorMessage: 'gone wrong' });
    queueItem(store, { folderId: 'requests', relativePath: 'a.pdf' });
    const client = await TestFeedClient.connect(feed);
    const { snapshot } = await client.waitFor(isType('snapshot'));
    expect(snapshot.counts).toEqual(store.countsByState());
    expect(snapshot.counts).toMatchObject({ queued: 2, failed: 1 });
    expect(snapshot.folders.map((folder) => [folder.id, folder.counts.queued])).toEqual([
      ['requests', 1],
    ]);
  });

  it('gives a reconnecting client exactly the events it missed', async () => {
    const { feed, store } = await startTestFeed();
    queueItem(store);
    const first = await TestFeedClient.connect(feed);
    const hello = await first.waitFor(isType('hello'));
    const lastSeq = (await first.waitFor(isType('snapshot'))).snapshot.seq;
    first.close();
    await first.closed;
    const missed = [
      queueItem(store, { relativePath: 'x.pdf' }),
      queueItem(store, { relativePath: 'y.pdf' }),
    ];
    store.transitionItem(missed[0]!.id, 'cancelled', {});

    const again = await TestFeedClient.connect(feed, { lastSeq, logId: hello.logId });
    await again.waitForCount(4);
    expect(again.received[0]).toMatchObject({
      type: 'hello',
      sync: { mode: 'events', fromSeq: lastSeq, toSeq: lastSeq + 3 },
    });
    expect(again.received.some((message) => message.type === 'snapshot')).toBe(false);
    expect(again.events().map((event) => event.seq)).toEqual([
      lastSeq + 1,
      lastSeq + 2,
      lastSeq + 3,
    ]);
    queueItem(store, { relativePath: 'z.pdf' });
    await again.waitForCount(5);
    expect(again.events().at(-1)).toMatchObject({ seq: lastSeq + 4, type: 'item.queued' });
  });

  it('sends a fresh snapshot to a client too far behind, or from another event log', async () => {
    const { feed, store } = await startTestFeed({ limits: { maxReplayEvents: 5 } });
    const first = await TestFeedClient.connect(feed);
    const hello = await first.waitFor(isType('hello'));
    const lastSeq = hello.seq;
    store.transaction(() => {
      for (let index = 0; index < 6; index += 1) queueItem(store, { relativePath: `${index}.pdf` });
    });
    const behind = await TestFeedClient.connect(feed, { lastSeq, logId: hello.logId });
    const snapshot = await behind.waitFor(isType('snapshot'));
    expect(behind.received[0]).toMatchObject({ type: 'hello', sync: { mode: 'snapshot' } });
    expect(snapshot.snapshot.seq).toBe(lastSeq + 6);
    expect(snapshot.snapshot.counts.queued).toBe(6);

    const otherLog = await TestFeedClient.connect(feed, {
      lastSeq: lastSeq + 6,
      logId: 'another-log',
    });
    await otherLog.waitFor(isType('snapshot'));
    const ahead = await TestFeedClient.connect(feed, { lastSeq: lastSeq + 1000 });
    await ahead.waitFor(isType('snapshot'));
  });

  it('passes on events another process wrote, in order (sitedrop retry beside the agent)', async () => {
    const { feed, store, dataDir } = await startTestFeed();
    const client = await TestFeedClient.connect(feed);
    const start = (await client.waitFor(isType('snapshot'))).snapshot.seq;
    const other = Store.open({
      dataDir,
      clock: new TestClock(),
      bus: new EventBus(() => undefined),
      isRecoveryAllowed: false,
    });
    queueItem(other, { relativePath: 'from-cli.pdf' });
    other.close();
    queueItem(store, { relativePath: 'from-agent.pdf' });
    await client.waitForCount(4);
    expect(
      client.events().map((event) => [event.seq, (event.data as { path?: string }).path]),
    ).toEqual([
      [start + 1, 'from-cli.pdf'],
      [start + 2, 'from-agent.pdf'],
    ]);
  });

  it('answers malformed frames with an error and stays up', async () => {
    const { feed } = await startTestFeed();
    const client = await TestFeedClient.connect(feed);
    await client.waitFor(isType('snapshot'));
    const errorAfter = async (frame: unknown) => {
      const from = client.received.length;
      client.send(frame);
      return client.waitFor(isType('error'), from);
    };
    expect(await errorAfter('not json {')).toMatchObject({ id: null, code: 'protocol.malformed' });
    expect(await errorAfter([1, 2])).toMatchObject({ code: 'protocol.malformed' });
    expect(await errorAfter({ type: 'dropTables', v: 1, id: 'a' })).toMatchObject({
      id: 'a',
      code: 'protocol.unknown-type',
    });
    expect(await errorAfter({ type: 'getStatus', v: 2, id: 'b' })).toMatchObject({
      id: 'b',
      code: 'protocol.unsupported-version',
    });
    const missing = await errorAfter({ type: 'retryItem', v: 1, id: 'c' });
    expect(missing).toMatchObject({ id: 'c', code: 'protocol.malformed' });
    expect(missing.message).toContain('itemId');
    const from = client.received.length;
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.waitFor(isType('error'), from)).toMatchObject({
      code: 'protocol.malformed',
    });
    expect((await client.request('getStatus', {})).ok).toBe(true);
  });

  it('closes a connection that sends an oversized frame, and serves others', async () => {
    const { feed } = await startTestFeed();
    const client = await TestFeedClient.connect(feed);
    await client.waitFor(isType('snapshot'));
    client.send({ type: 'getStatus', v: 1, id: 'big', padding: 'x'.repeat(100 * 1024) });
    expect((await client.closed).code).toBe(1009);
    const next = await TestFeedClient.connect(feed);
    expect((await next.request('getStatus', {})).ok).toBe(true);
  });

  it('paces a burst for every client, and disconnects one that stops reading', async () => {
    const stallTimeoutMs = 15_000;
    const { feed, store, clock } = await startTestFeed({
      limits: { maxBufferedBytes: 256 * 1024, stallTimeoutMs },
    });
    const stalled = await TestFeedClient.connect(feed);
    const readers = [await TestFeedClient.connect(feed), await TestFeedClient.connect(feed)];
    const start = (await readers[0]!.waitFor(isType('snapshot'))).snapshot.seq;
    await stalled.waitFor(isType('snapshot'));
    await readers[1]!.waitFor(isType('snapshot'));
    stalled.socket.pause();
    // One transaction: the bus publishes all of it at once, far more than any client's cap.
    const eventCount = 4_000;
    const longName = `${'n'.repeat(2_000)}.pdf`;
    store.transaction(() => {
      for (let index = 0; index < eventCount; index += 1) {
        store.appendEvent({
          type: 'item.queued',
          data: {
            itemId: index + 1,
            folderId: 'requests',
            path: `${index}-${longName}`,
            sizeBytes: 1,
            reason: 'new',
          },
        });
      }
    });
    const all = Array.from({ length: eventCount }, (_, index) => start + index + 1);
    for (const reader of readers) {
      await reader.waitForCount(2 + eventCount, 20_000);
      expect(reader.events().map((event) => event.seq)).toEqual(all);
    }
    expect(feed.clientCount).toBe(3);

    clock.advance(stallTimeoutMs);
    stalled.socket.resume();
    expect(await stalled.closed).toEqual({
      code: 4001,
      reason: 'too slow: reconnect with lastSeq',
    });
    await expect.poll(() => feed.clientCount).toBe(2);
    const lastSeq = stalled.events().at(-1)?.seq ?? start;
    expect(lastSeq).toBeLessThan(start + eventCount);
    expect(stalled.events().map((event) => event.seq)).toEqual(all.filter((seq) => seq <= lastSeq));

    const caughtUp = await TestFeedClient.connect(feed, { lastSeq });
    const missed = all.filter((seq) => seq > lastSeq);
    await caughtUp.waitForCount(1 + missed.length, 20_000);
    expect(caughtUp.events().map((event) => event.seq)).toEqual(missed);
  });

  it('coalesces progress per item for a client that lags, and drops it once the item moved on', async () => {
    const { feed, store, bus, clock } = await startTestFeed({
      limits: { maxBufferedBytes: 256 * 1024, progressHoldBytes: 1024 },
    });
    const client = await TestFeedClient.connect(feed);
    await client.waitFor(isType('snapshot'));
    const progress = (itemId: number, sentBytes: number) =>
      bus.publish([
        { type: 'item.progress', data: { itemId, sentBytes, totalBytes: 100 }, at: clock.now() },
      ]);
    progress(1, 10);
    expect(await client.waitFor(isType('progress'))).toMatchObject({ itemId: 1, sentBytes: 10 });

    // A client that stops reading while a burst arrives falls behind for real (the kernel's
    // socket buffers fill first, then the feed's cap).
    client.socket.pause();
    store.transaction(() => {
      for (let index = 0; index < 4_000; index += 1) {
        store.appendEvent({
          type: 'item.queued',
          data: {
            itemId: 100 + index,
            folderId: 'f',
            path: 'p'.repeat(2_000),
            sizeBytes: 1,
            reason: 'new',
          },
        });
      }
    });
    progress(7, 20);
    progress(8, 50);
    progress(7, 30);
    progress(7, 40);
    const delivered = store.appendEvent({
      type: 'item.delivered',
      data: {
        itemId: 8,
        remoteUrl: 'https://contoso.sharepoint.com/r.pdf',
        isModifiedByServer: false,
      },
    });
    client.socket.resume();
    await client.waitFor(
      (message): message is Of<'event'> =>
        message.type === 'event' && message.event.seq === delivered.seq,
      0,
      10_000,
    );
    clock.advance(100);
    const from = client.received.length;
    await client.waitFor(isType('progress'), from);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const held = client.received.slice(from).filter(isType('progress'));
    expect(held.map((message) => [message.itemId, message.sentBytes])).toEqual([[7, 40]]);
  });
});
