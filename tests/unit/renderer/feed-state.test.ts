import { describe, expect, it } from 'vitest';
import { LoggedEventSchema, type LoggedEvent } from '../../../src/shared/events.ts';
import type { ItemView, Snapshot, StateCounts } from '../../../src/shared/feed-protocol.ts';
import { itemStates } from '../../../src/shared/item-state.ts';
import {
  FeedState,
  maxRecentItemIds,
  maxRememberedItems,
} from '../../../src/renderer/feed/feed-state.ts';
import { newItemView } from '../../../src/renderer/feed/new-item-view.ts';

const at = Date.UTC(2026, 10, 21, 9, 0, 0);

function counts(values: Partial<StateCounts> = {}): StateCounts {
  return { ...Object.fromEntries(itemStates.map((state) => [state, 0])), ...values } as StateCounts;
}

function itemView(id: number, fields: Partial<ItemView> = {}): ItemView {
  const known = newItemView({
    id,
    folderId: 'requests',
    path: `file-${id}.pdf`,
    state: 'queued',
    sizeBytes: 100,
    at,
  });
  return { ...known, ...fields };
}

function snapshot(seq: number, items: ItemView[], fields: Partial<Snapshot> = {}): Snapshot {
  const byState: Partial<StateCounts> = {};
  for (const item of items) byState[item.state] = (byState[item.state] ?? 0) + 1;
  return {
    seq,
    takenAt: at,
    counts: counts(byState),
    folders: [
      {
        id: 'requests',
        path: '/srv/requests',
        label: null,
        health: { status: 'available', reason: null, changedAt: null },
        isPaused: false,
        counts: counts(byState),
      },
    ],
    connection: {
      isConfigured: true,
      status: 'ready',
      breaker: 'closed',
      nextProbeAt: null,
      detail: 'Connected',
      changedAt: null,
    },
    delivery: { isPaused: false, pausedFolderIds: [] },
    items,
    nextCursor: null,
    ...fields,
  };
}

let seq = 10;
function event(type: string, data: Record<string, unknown>): LoggedEvent {
  seq += 1;
  // Through the protocol's schema, as FeedConnection parses every frame.
  return LoggedEventSchema.parse({ seq, at: at + seq, type, data }) as LoggedEvent;
}

function setup() {
  let resyncs = 0;
  const state = new FeedState(() => (resyncs += 1));
  return { state, resyncs: () => resyncs };
}

describe('the UI state: a snapshot plus events become the view', () => {
  it('moves counts and items with each event, and remembers new items newest first', () => {
    const { state, resyncs } = setup();
    state.applySnapshot(snapshot(10, [itemView(1, { state: 'queued' })]));
    state.applyEvent(
      event('item.queued', {
        itemId: 2,
        folderId: 'requests',
        path: 'site-plan.pdf',
        sizeBytes: 2048,
        reason: 'new',
      }),
    );
    state.applyEvent(event('item.uploading', { itemId: 1, attempt: 1 }));
    state.applyEvent(
      event('item.delivered', {
        itemId: 1,
        remoteUrl: 'https://contoso.sharepoint.com/x.pdf',
        isModifiedByServer: false,
      }),
    );
    expect(state.recentItemIds).toEqual([2, 1]);
    expect(state.items.get(2)).toMatchObject({ path: 'site-plan.pdf', state: 'queued' });
    expect(state.items.get(1)).toMatchObject({
      state: 'delivered',
      attempts: 1,
      remoteUrl: 'https://contoso.sharepoint.com/x.pdf',
    });
    expect(state.counts).toMatchObject({ queued: 1, uploading: 0, delivered: 1 });
    expect(state.folders[0]!.counts).toMatchObject({ queued: 1, delivered: 1 });
    expect(state.throughput(at + seq)).toMatchObject({ deliveredLastMinute: 1 });
    expect(resyncs()).toBe(0);
  });

  it('keeps the hashes and request of a fetched item when its live copy, built from events, is newer', () => {
    const { state } = setup();
    state.applySnapshot(snapshot(10, []));
    state.applyEvent(
      event('item.queued', {
        itemId: 1,
        folderId: 'requests',
        path: 'order.json',
        sizeBytes: 100,
        reason: 'new',
      }),
    );
    state.applyEvent(event('item.uploading', { itemId: 1, attempt: 1 }));
    // A getItem reply that left the agent before the uploading event.
    state.rememberItem(
      itemView(1, {
        path: 'order.json',
        updatedAt: at,
        sha256: 'abc',
        request: { request_id: 'R1' },
        targetPath: 'order.json',
      }),
    );
    expect(state.items.get(1)).toMatchObject({
      state: 'uploading',
      sha256: 'abc',
      request: { request_id: 'R1' },
      targetPath: 'order.json',
    });
  });

  it("gives the snapshot's newest items once, as a first page, with every item change since", () => {
    const { state } = setup();
    const newest = [itemView(7, { state: 'queued' }), itemView(6, { state: 'delivered' })];
    state.applySnapshot(snapshot(10, newest, { nextCursor: 6 }));
    state.applyEvent(event('item.uploading', { itemId: 7, attempt: 1 }));
    state.applyEvent(
      event('folder.unavailable', { folderId: 'requests', path: '/x', reason: 'gone' }),
    );
    state.applyEvent(
      event('item.queued', {
        itemId: 8,
        folderId: 'requests',
        path: 'new.pdf',
        sizeBytes: 1,
        reason: 'new',
      }),
    );

    const page = state.takeSnapshotPage();
    expect(page?.items.map((item) => item.id)).toEqual([7, 6]);
    expect(page?.nextCursor).toBe(6);
    // The item changes only, in order, each with the item as it was after it.
    expect(page?.changes.map(({ event, item }) => [event.type, item?.id, item?.state])).toEqual([
      ['item.uploading', 7, 'uploading'],
      ['item.queued', 8, 'queued'],
    ]);
    expect(state.takeSnapshotPage()).toBeUndefined();

    state.applySnapshot(snapshot(20, [itemView(9)]));
    expect(state.takeSnapshotPage()?.items.map((item) => item.id)).toEqual([9]);
  });

  it("drops the snapshot's page when too much changed since it to replay", () => {
    const { state } = setup();
    state.applySnapshot(snapshot(10, [itemView(1, { state: 'queued' })]));
    for (let index = 0; index < 2_501; index += 1) {
      state.applyEvent(event('item.uploading', { itemId: 1, attempt: 1 }));
      state.applyEvent(
        event('item.queued', {
          itemId: 1,
          folderId: 'requests',
          path: 'a.pdf',
          sizeBytes: 1,
          reason: 'retry',
        }),
      );
    }
    expect(state.takeSnapshotPage()).toBeUndefined();
  });

  it('shows the retry time and the problem an event carries, and clears them when delivered', () => {
    const { state } = setup();
    state.applySnapshot(snapshot(10, [itemView(1, { state: 'uploading' })]));
    state.applyProgress(1, 50, 100, at);
    expect(state.progress.get(1)).toEqual({ sentBytes: 50, totalBytes: 100 });
    state.applyEvent(
      event('item.retrying', {
        itemId: 1,
        nextAttemptAt: at + 60_000,
        errorCode: 'graph.unavailable',
        errorMessage: 'SharePoint is temporarily unavailable',
      }),
    );
    expect(state.items.get(1)).toMatchObject({
      state: 'retrying',
      nextAttemptAt: at + 60_000,
      errorCode: 'graph.unavailable',
    });
    expect(state.progress.has(1)).toBe(false);
    state.applyProgress(1, 60, 100, at); // late progress of a finished attempt: ignored
    expect(state.progress.has(1)).toBe(false);
    state.applyEvent(
      event('item.queued', {
        itemId: 1,
        folderId: 'requests',
        path: 'file-1.pdf',
        sizeBytes: 100,
        reason: 'retry',
      }),
    );
    expect(state.items.get(1)).toMatchObject({
      state: 'queued',
      errorCode: null,
      nextAttemptAt: null,
    });
    expect(state.counts).toMatchObject({ retrying: 0, queued: 1, uploading: 0 });
  });

  it('asks for a snapshot when an item it never loaded changes, and re-applies later events on it', () => {
    const { state, resyncs } = setup();
    state.applySnapshot(snapshot(10, [], { counts: counts({ failed: 3 }) }));
    state.applyEvent(
      event('item.queued', {
        itemId: 7,
        folderId: 'requests',
        path: 'old.pdf',
        sizeBytes: 1,
        reason: 'retry',
      }),
    );
    expect(resyncs()).toBe(1);
    const resyncSeq = seq;
    state.applyEvent(event('item.uploading', { itemId: 7, attempt: 1 }));
    // The agent's answer reflects the state up to resyncSeq: one failed item was re-queued.
    state.applyResync(snapshot(resyncSeq, [], { counts: counts({ failed: 2, queued: 1 }) }));
    expect(state.counts).toMatchObject({ failed: 2, queued: 0, uploading: 1 });
  });

  it('forgets the items it heard of least recently beyond its bound, and asks when one changes', () => {
    const { state, resyncs } = setup();
    state.applySnapshot(snapshot(seq, []));
    const total = maxRememberedItems + 5;
    for (let itemId = 1; itemId <= total; itemId += 1) {
      state.applyEvent(
        event('item.queued', {
          itemId,
          folderId: 'requests',
          path: `burst-${itemId}.pdf`,
          sizeBytes: 1,
          reason: 'new',
        }),
      );
    }
    // A page left open through bursts keeps a bounded picture; the counts stay whole.
    expect(state.items.size).toBe(maxRememberedItems);
    expect(state.items.has(5)).toBe(false);
    expect(state.items.has(6)).toBe(true);
    expect(state.recentItemIds).toHaveLength(maxRecentItemIds);
    expect(state.recentItemIds[0]).toBe(total);
    expect(state.counts).toMatchObject({ queued: total });
    expect(resyncs()).toBe(0);

    state.applyEvent(event('item.uploading', { itemId: total, attempt: 1 }));
    expect(resyncs()).toBe(0);
    // A forgotten item changes: its previous state is the agent's to tell.
    state.applyEvent(event('item.uploading', { itemId: 1, attempt: 1 }));
    expect(resyncs()).toBe(1);
    state.applyResync(snapshot(seq, [], { counts: counts({ queued: total - 2, uploading: 2 }) }));
    state.applyEvent(event('item.verifying', { itemId: total }));
    expect(state.counts).toMatchObject({ queued: total - 2, uploading: 1, verifying: 1 });
    expect(resyncs()).toBe(1);
  });

  it('takes the connection status from connection.changed, and asks only when an old event lacks it', () => {
    const { state, resyncs } = setup();
    state.applySnapshot(snapshot(10, []));
    state.applyEvent(
      event('connection.changed', {
        status: 'auth-failed',
        breaker: 'closed',
        nextProbeAt: at + 60_000,
        detail: 'The client secret is wrong',
      }),
    );
    expect(state.connection).toMatchObject({
      status: 'auth-failed',
      breaker: 'closed',
      nextProbeAt: at + 60_000,
      detail: 'The client secret is wrong',
    });
    expect(resyncs()).toBe(0);
    state.applyEvent(
      event('connection.changed', {
        status: 'paused-by-breaker',
        breaker: 'open',
        nextProbeAt: at + 30_000,
        detail: 'Paused after repeated failures',
      }),
    );
    expect(state.connection).toMatchObject({ status: 'paused-by-breaker', breaker: 'open' });
    // An event logged by an agent from before the status field still parses; the page asks.
    state.applyEvent(
      event('connection.changed', {
        breaker: 'closed',
        nextProbeAt: null,
        detail: 'SharePoint answers again',
      }),
    );
    expect(state.connection).toMatchObject({ breaker: 'closed', status: 'paused-by-breaker' });
    expect(resyncs()).toBe(1);
  });

  it('follows folder health and pauses', () => {
    const { state } = setup();
    state.applySnapshot(snapshot(10, []));
    state.applyEvent(
      event('folder.unavailable', {
        folderId: 'requests',
        path: '/srv/requests',
        reason: 'The network drive is gone',
      }),
    );
    expect(state.folders[0]!.health).toMatchObject({
      status: 'unavailable',
      reason: 'The network drive is gone',
    });
    state.applyEvent(event('delivery.paused', { folderId: 'requests' }));
    state.applyEvent(event('delivery.paused', { folderId: null }));
    expect(state.folders[0]!.isPaused).toBe(true);
    expect(state.delivery).toEqual({ isPaused: true, pausedFolderIds: ['requests'] });
    state.applyEvent(event('delivery.resumed', { folderId: 'requests' }));
    state.applyEvent(event('folder.available', { folderId: 'requests', path: '/srv/requests' }));
    expect(state.folders[0]).toMatchObject({ isPaused: false, health: { status: 'available' } });
  });

  it('replaces everything with a fresh snapshot and tells the lists to reload', () => {
    const { state } = setup();
    let resets = 0;
    state.onDidReset(() => (resets += 1));
    state.applySnapshot(snapshot(10, [itemView(1)]));
    state.applyProgress(1, 1, 2, at);
    state.applySnapshot(snapshot(50, [itemView(9, { state: 'delivered' })]));
    expect(resets).toBe(2);
    expect(state.recentItemIds).toEqual([9]);
    expect(state.progress.size).toBe(0);
    expect(state.counts).toMatchObject({ delivered: 1, queued: 0 });
  });
});
