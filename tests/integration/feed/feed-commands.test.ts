import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runStatus } from '../../../src/main/cli/status-command.ts';
import type { Store } from '../../../src/main/core/store/index.ts';
import type { ServerMessage } from '../../../src/shared/feed-protocol.ts';
import { httpRequest, TestFeedClient } from '../../helpers/feed-client.ts';
import { queueItem } from '../../helpers/store.ts';
import { startTestFeed } from './start-test-feed.ts';

function failItem(store: Store, relativePath: string) {
  const item = queueItem(store, { relativePath });
  store.transitionItem(item.id, 'uploading', { attempt: 1 });
  const attemptId = store.startAttempt(item.id);
  store.finishAttempt(attemptId, {
    outcome: 'failed',
    httpStatus: 403,
    errorCode: 'graph.forbidden',
    errorMessage: 'SharePoint refused the upload.',
  });
  return store.transitionItem(
    item.id,
    'failed',
    { errorCode: 'graph.forbidden', errorMessage: 'SharePoint refused the upload.' },
    { lastErrorCode: 'graph.forbidden', lastErrorMessage: 'SharePoint refused the upload.' },
  );
}

const isEvent = (message: ServerMessage): message is Extract<ServerMessage, { type: 'event' }> =>
  message.type === 'event';

describe('feed commands, over the WebSocket and the HTTP API', () => {
  it('retries a failed item: it is queued again and every client hears it', async () => {
    const { feed, store } = await startTestFeed();
    const failed = failItem(store, 'report.pdf');
    const client = await TestFeedClient.connect(feed);
    const reply = await client.request('retryItem', { itemId: failed.id });
    expect(reply).toMatchObject({
      ok: true,
      result: { item: { id: failed.id, state: 'queued', attempts: 0, errorCode: null } },
    });
    const event = await client.waitFor(isEvent);
    expect(event.event).toMatchObject({
      type: 'item.queued',
      data: { itemId: failed.id, reason: 'retry' },
    });
    expect(store.getItem(failed.id)?.state).toBe('queued');

    const again = await client.request('retryItem', { itemId: failed.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'item.not-retryable' } });
    const missing = await client.request('retryItem', { itemId: 999 });
    expect(missing).toMatchObject({ ok: false, error: { code: 'item.not-found' } });
    if (!missing.ok) expect(missing.error.message).toContain('#999');

    const other = failItem(store, 'other.pdf');
    const http = await httpRequest(feed.port, 'POST', `/api/items/${other.id}/retry`, {
      token: feed.token,
    });
    expect(http.status).toBe(200);
    expect(http.json).toMatchObject({ item: { id: other.id, state: 'queued' } });
    expect(
      (await httpRequest(feed.port, 'POST', `/api/items/${other.id}/retry`, { token: feed.token }))
        .status,
    ).toBe(409);
    expect(
      (await httpRequest(feed.port, 'POST', '/api/items/999/retry', { token: feed.token })).status,
    ).toBe(404);
    expect(
      (await httpRequest(feed.port, 'GET', `/api/items/${other.id}/retry`, { token: feed.token }))
        .status,
    ).toBe(405);
  });

  it('retries every failed item at once', async () => {
    const { feed, store } = await startTestFeed();
    const ids = [failItem(store, 'a.pdf').id, failItem(store, 'b.pdf').id];
    queueItem(store, { relativePath: 'c.pdf' });
    const response = await httpRequest(feed.port, 'POST', '/api/retry-failed', {
      token: feed.token,
    });
    expect(response.json).toEqual({ itemIds: ids });
    expect(store.countsByState()).toMatchObject({ failed: 0, queued: 3 });
  });

  it('pages through items with filters, newest first', async () => {
    const { feed, store } = await startTestFeed();
    const made = [1, 2, 3, 4, 5].map((n) =>
      queueItem(store, {
        folderId: n % 2 === 0 ? 'even' : 'odd',
        relativePath: `site/${n}.pdf`,
        request: { requestId: `RQ-${100 + n}` },
      }),
    );
    failItem(store, 'site/broken.pdf');
    const client = await TestFeedClient.connect(feed);
    const pages: number[][] = [];
    let beforeId: number | undefined;
    for (;;) {
      const reply = await client.request('listItems', {
        filter: { states: ['queued'], limit: 2, ...(beforeId ? { beforeId } : {}) },
      });
      if (!reply.ok) throw new Error(reply.error.message);
      pages.push(reply.result.items.map((item) => item.id));
      if (reply.result.nextCursor === null) break;
      beforeId = reply.result.nextCursor;
    }
    const ids = made.map((item) => item.id);
    expect(pages).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);

    const byFolder = await client.request('listItems', { filter: { folderId: 'even' } });
    expect(byFolder.ok && byFolder.result.items.map((item) => item.path)).toEqual([
      'site/4.pdf',
      'site/2.pdf',
    ]);
    const byRequest = await client.request('listItems', { filter: { search: 'rq-103' } });
    expect(byRequest.ok && byRequest.result.items.map((item) => item.path)).toEqual(['site/3.pdf']);
    const failed = await httpRequest(
      feed.port,
      'GET',
      '/api/items?state=failed,cancelled&limit=10',
      { token: feed.token },
    );
    expect((failed.json as { items: { path: string }[] }).items.map((item) => item.path)).toEqual([
      'site/broken.pdf',
    ]);
    const bad = await httpRequest(feed.port, 'GET', '/api/items?state=lost&limit=0', {
      token: feed.token,
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'protocol.malformed' });
    expect((bad.json as { message: string }).message).toContain('filter.limit');
  });

  it('shows one item with its attempts and events, without its upload session URL', async () => {
    const { feed, store } = await startTestFeed();
    const failed = failItem(store, 'report.pdf');
    store.updateItem(failed.id, {
      uploadSessionUrl: 'https://upload.example/session?tempauth=abc123secret',
    });
    const response = await httpRequest(feed.port, 'GET', `/api/items/${failed.id}`, {
      token: feed.token,
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      item: { id: failed.id, state: 'failed', errorMessage: 'SharePoint refused the upload.' },
      attempts: [{ httpStatus: 403, errorCode: 'graph.forbidden' }],
      events: [{ type: 'item.queued' }, { type: 'item.uploading' }, { type: 'item.failed' }],
    });
    expect(response.text).not.toContain('abc123secret');
  });

  it('answers /api/status exactly as sitedrop status --json prints it', async () => {
    const { feed, store, dataDir } = await startTestFeed();
    queueItem(store, { relativePath: 'a.pdf' });
    failItem(store, 'b.pdf');
    const response = await httpRequest(feed.port, 'GET', '/api/status', { token: feed.token });
    expect(response.json).toEqual(JSON.parse(runStatus({ dataDir, json: true, all: false })));
  });

  it('says which commands this agent cannot run yet', async () => {
    const { feed } = await startTestFeed();
    const client = await TestFeedClient.connect(feed);
    const hello = await client.waitFor(
      (message): message is Extract<ServerMessage, { type: 'hello' }> => message.type === 'hello',
    );
    expect(hello.availableCommands).not.toContain('pauseDelivery');
    expect(hello.availableCommands).toContain('retryItem');
    const reply = await client.request('pauseDelivery', { folderId: null });
    expect(reply).toMatchObject({ ok: false, error: { code: 'command.unavailable' } });
    expect((await httpRequest(feed.port, 'POST', '/api/pause', { token: feed.token })).status).toBe(
      501,
    );
  });

  it('pauses and resumes through what delivery supplies, naming an unknown folder', async () => {
    const paused: (string | null)[] = [];
    const { feed, store } = await startTestFeed({
      userConfig: { folders: [{ id: 'requests', path: '/srv/requests' }] },
      commands: {
        pauseDelivery: (folderId) => {
          paused.push(folderId);
          store.appendEvent({ type: 'delivery.paused', data: { folderId } });
        },
        resumeDelivery: (folderId) => {
          store.appendEvent({ type: 'delivery.resumed', data: { folderId } });
        },
      },
    });
    const client = await TestFeedClient.connect(feed);
    expect(await client.request('pauseDelivery', { folderId: 'requests' })).toEqual({
      ok: true,
      result: { delivery: { isPaused: false, pausedFolderIds: ['requests'] } },
    });
    const snapshot = await client.request('getSnapshot', {});
    expect(snapshot.ok && snapshot.result.snapshot.folders[0]?.isPaused).toBe(true);
    const unknown = await client.request('pauseDelivery', { folderId: 'nope' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'folder.not-found' } });
    const resumed = await httpRequest(feed.port, 'POST', '/api/resume', {
      token: feed.token,
      body: {},
    });
    expect(resumed.json).toEqual({ delivery: { isPaused: false, pausedFolderIds: [] } });
    expect(paused).toEqual(['requests']);
  });

  it('saves settings that take effect at once, and refuses bad and locked ones by field', async () => {
    const { feed, userConfigPath, getConfig } = await startTestFeed({
      userConfig: { delivery: { concurrency: 4 } },
      policy: { sharepoint: { library: 'Requests' } },
    });
    const client = await TestFeedClient.connect(feed);
    const settings = await client.request('getSettings', {});
    expect(settings).toMatchObject({
      ok: true,
      result: {
        config: { delivery: { concurrency: 4 }, sharepoint: { library: 'Requests' } },
        userConfig: { delivery: { concurrency: 4 } },
        lockedFields: ['sharepoint.library'],
        secrets: { clientSecret: { isSet: false } },
      },
    });

    const saved = await client.request('saveSettings', {
      config: {
        delivery: { concurrency: 2 },
        sharepoint: { siteUrl: 'https://contoso.sharepoint.com/sites/Ops' },
      },
      secrets: { clientSecret: 'very-secret-value-123' },
    });
    expect(saved).toMatchObject({
      ok: true,
      result: {
        changedFields: ['delivery.concurrency', 'sharepoint.siteUrl', 'secrets.clientSecret'],
        restartRequiredFields: [],
        settings: { secrets: { clientSecret: { isSet: true } } },
      },
    });
    expect(JSON.stringify(saved)).not.toContain('very-secret-value-123');
    expect(getConfig().delivery.concurrency).toBe(2);
    expect(JSON.parse(fs.readFileSync(userConfigPath, 'utf8'))).toEqual({
      delivery: { concurrency: 2 },
      sharepoint: { siteUrl: 'https://contoso.sharepoint.com/sites/Ops' },
    });
    const changed = await client.waitFor(
      (message): message is Extract<ServerMessage, { type: 'event' }> =>
        message.type === 'event' && message.event.type === 'settings.changed',
    );
    expect(changed.event.data).toEqual({
      fields: ['delivery.concurrency', 'sharepoint.siteUrl', 'secrets.clientSecret'],
    });

    const before = fs.readFileSync(userConfigPath, 'utf8');
    const bad = await client.request('saveSettings', {
      config: { sharepoint: { siteUrl: 'http://contoso' } },
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'settings.invalid', problems: [{ field: 'sharepoint.siteUrl' }] },
    });
    if (!bad.ok) expect(bad.error.message).toContain('https://');
    const locked = await client.request('saveSettings', {
      config: { sharepoint: { library: 'Other' } },
    });
    expect(locked).toMatchObject({ ok: false, error: { code: 'settings.locked' } });
    if (!locked.ok) expect(locked.error.message).toContain('sharepoint.library');
    expect(fs.readFileSync(userConfigPath, 'utf8')).toBe(before);
    expect(getConfig().sharepoint.library).toBe('Requests');

    const reset = await httpRequest(feed.port, 'PUT', '/api/settings', {
      token: feed.token,
      body: { config: { delivery: null, feed: { port: 47_999 } } },
    });
    expect(reset.status).toBe(200);
    expect(reset.json).toMatchObject({ restartRequiredFields: ['feed.port'] });
    expect(getConfig().delivery.concurrency).toBe(4);
    const httpBad = await httpRequest(feed.port, 'PUT', '/api/settings', {
      token: feed.token,
      body: { config: { delivery: { concurrency: 0 } } },
    });
    expect(httpBad.status).toBe(422);
    const httpLocked = await httpRequest(feed.port, 'PUT', '/api/settings', {
      token: feed.token,
      body: { config: { sharepoint: { library: 'Other' } } },
    });
    expect(httpLocked.status).toBe(409);
  });

  it('refuses request bodies that are not JSON or too large', async () => {
    const { feed } = await startTestFeed();
    const notJson = await httpRequest(feed.port, 'PUT', '/api/settings', {
      token: feed.token,
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    const large = await httpRequest(feed.port, 'PUT', '/api/settings', {
      token: feed.token,
      body: { config: { padding: 'x'.repeat(70 * 1024) } },
    });
    expect(large.status).toBe(413);
    expect(
      (await httpRequest(feed.port, 'GET', '/api/nothing', { token: feed.token })).status,
    ).toBe(404);
  });
});
