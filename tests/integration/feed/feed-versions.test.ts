import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../src/shared/feed-protocol.ts';
import type { Store } from '../../../src/main/core/store/index.ts';
import { TestFeedClient } from '../../helpers/feed-client.ts';
import { queueItem } from '../../helpers/store.ts';
import { startTestFeed } from './start-test-feed.ts';

/** An item, a response brought back, a sign-in and another item, each in its own commit. */
function logMixedEvents(store: Store): void {
  queueItem(store, { relativePath: 'REQ-77.json' });
  store.appendEvent({
    type: 'response.ready',
    data: {
      responseId: 1,
      localPath: '/home/site/SiteDrop/Responses/REQ-77 answer.pdf',
      sizeBytes: 2_048,
      requestId: 'REQ-77',
    },
  });
  store.appendEvent({
    type: 'account.signed-in',
    data: { username: 'ada@contoso.example', name: 'Ada', tenantId: 'contoso' },
  });
  queueItem(store, { relativePath: 'REQ-78.json' });
}

/** A waitFor predicate: the client has been sent the events up to `seq` (or none follow). */
const hasSeq =
  (client: TestFeedClient, seq: number) =>
  (_message: ServerMessage): _message is ServerMessage =>
    client.events().some((event) => event.seq >= seq);

describe('an older client and the events added in protocol version 3', () => {
  it('a version 1 or 2 client is not sent responseReady nor response.* or account.* events', async () => {
    const { feed, store } = await startTestFeed();
    const clients = await Promise.all(
      ([1, 2, 3] as const).map((version) => TestFeedClient.connect(feed, { version })),
    );
    for (const client of clients) await client.waitFor((m) => m.type === 'snapshot');

    logMixedEvents(store);
    const lastSeq = store.lastEventSeq();
    for (const client of clients) await client.waitFor(hasSeq(client, lastSeq));

    const [version1, version2, version3] = clients;
    const typesOf = (client: TestFeedClient | undefined) =>
      client!.events().map((event) => event.type);
    expect(typesOf(version1)).toEqual(['item.queued', 'item.queued']);
    expect(typesOf(version2)).toEqual(['item.queued', 'item.queued']);
    expect(typesOf(version3)).toEqual([
      'item.queued',
      'response.ready',
      'account.signed-in',
      'item.queued',
    ]);
    const notices = (client: TestFeedClient | undefined) =>
      client!.received.filter((message) => message.type === 'responseReady');
    expect(notices(version1)).toEqual([]);
    expect(notices(version2)).toEqual([]);
    expect(notices(version3)).toEqual([
      {
        type: 'responseReady',
        v: 3,
        request_id: 'REQ-77',
        responseId: 1,
        path: '/home/site/SiteDrop/Responses/REQ-77 answer.pdf',
        size: 2_048,
      },
    ]);
  });

  it('an old client that reconnects with lastSeq catches up past the new events without them', async () => {
    const { feed, store } = await startTestFeed();
    const firstSeq = store.lastEventSeq();
    logMixedEvents(store);
    const lastSeq = store.lastEventSeq();

    const version2 = await TestFeedClient.connect(feed, { version: 2, lastSeq: firstSeq });
    await version2.waitFor(hasSeq(version2, lastSeq));
    expect(version2.events().map((event) => event.type)).toEqual(['item.queued', 'item.queued']);

    // Its later commands still answer: the skipped seqs left it in step with the log.
    const reply = await version2.request('getStatus', {});
    expect(reply.ok).toBe(true);
    expect(version2.received.some((message) => message.type === 'responseReady')).toBe(false);

    const version3 = await TestFeedClient.connect(feed, { version: 3, lastSeq: firstSeq });
    await version3.waitFor((message) => message.type === 'responseReady');
    expect(version3.events().map((event) => event.type)).toContain('response.ready');
  });
});
