import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreInvariantError, type Attempt } from '../../../../../src/main/core/store/index.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';
import { buildNewItem, claimNext, openTestStore, queueItem } from '../../../../helpers/store.ts';

describe('store', () => {
  it('queues a file as item, outbox row and event in one step, and publishes after commit', () => {
    const { store, published } = openTestStore(makeTempDir());
    const item = queueItem(store);
    expect(item.state).toBe('queued');
    expect(store.readEventsSince(0, 10).map((event) => event.type)).toEqual(['item.queued']);
    expect(published.map((event) => [event.type, event.data])).toEqual([
      [
        'item.queued',
        {
          itemId: item.id,
          folderId: 'requests',
          path: 'site-a/report.pdf',
          sizeBytes: 1234,
          reason: 'new',
        },
      ],
    ]);
    expect(claimNext(store, 'worker-1')?.id).toBe(item.id);
  });

  it('counts items per folder and state with one scan of the state index, without a sort', () => {
    const dataDir = makeTempDir();
    const { store } = openTestStore(dataDir);
    queueItem(store, { folderId: 'a', relativePath: 'one.pdf' });
    queueItem(store, { folderId: 'b', relativePath: 'two.pdf' });
    const failed = queueItem(store, { folderId: 'b', relativePath: 'three.pdf' });
    store.transitionItem(failed.id, 'failed', { errorCode: 'x', errorMessage: 'boom' });
    const counts = store.countsByFolderAndState();
    expect([...counts.keys()].sort()).toEqual(['a', 'b']);
    expect(counts.get('a')).toMatchObject({ queued: 1, failed: 0 });
    expect(counts.get('b')).toMatchObject({ queued: 1, failed: 1 });
    // Every feed snapshot counts this way: at 100,000 items a sort of them cost ~27 ms (issue 7).
    const db = new BetterSqlite3(path.join(dataDir, 'sitedrop.db'), { readonly: true });
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT folder_id, state, count(*) AS n FROM items GROUP BY state, folder_id',
      )
      .all() as { detail: string }[];
    db.close();
    expect(plan.map((step) => step.detail)).toEqual([
      'SCAN items USING COVERING INDEX items_by_state',
    ]);
  });

  it("reads a response's history from the response-event index, not by reading every event", () => {
    const dataDir = makeTempDir();
    openTestStore(dataDir);
    const db = new BetterSqlite3(path.join(dataDir, 'sitedrop.db'), { readonly: true });
    const source = fs.readFileSync(
      new URL('../../../../../src/main/core/store/event-log.ts', import.meta.url),
      'utf8',
    );
    // The statement the event log prepares, so the plan is the one the agent gets.
    const query = /`(SELECT \* FROM events WHERE type LIKE 'response\.%'[^`]*)`/.exec(source)?.[1];
    expect(query).toBeDefined();
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${query}`).all(1, 50) as { detail: string }[];
    db.close();
    expect(plan.map((step) => step.detail)).toEqual([
      expect.stringMatching(/^SEARCH events USING INDEX events_by_response \(<expr>=\?\)$/),
    ]);
  });

  it('leaves nothing half-written when a state change fails in the middle', () => {
    const dataDir = makeTempDir();
    const { store, published } = openTestStore(dataDir);
    const item = queueItem(store);
    const eventsBefore = store.lastEventSeq();
    published.length = 0;
    // Make the event insert fail after the item row was already updated in the transaction.
    const side = new BetterSqlite3(path.join(dataDir, 'sitedrop.db'));
    side.exec(
      "CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk gone'); END",
    );
    side.close();

    expect(() =>
      store.transitionItem(item.id, 'failed', { errorCode: 'x', errorMessage: 'boom' }),
    ).toThrow(/disk gone/);

    const after = store.getItem(item.id);
    expect(after?.state).toBe('queued');
    expect(after?.lastErrorMessage).toBeNull();
    expect(store.lastEventSeq()).toBe(eventsBefore);
    expect(claimNext(store, 'worker-1')?.id).toBe(item.id); // outbox row still there
    expect(published).toEqual([]); // nobody heard of a change that rolled back
  });

  it('rolls back a whole multi-step transaction and publishes none of its events', () => {
    const { store, published } = openTestStore(makeTempDir());
    expect(() =>
      store.transaction(() => {
        queueItem(store, { relativePath: 'one.pdf' });
        queueItem(store, { relativePath: 'two.pdf' });
        throw new Error('crash between steps');
      }),
    ).toThrow('crash between steps');
    expect(store.countsByState().queued).toBe(0);
    expect(store.lastEventSeq()).toBe(0);
    expect(published).toEqual([]);
  });

  it('returns from a state change the item exactly as a read of its row gives it', () => {
    const { store } = openTestStore(makeTempDir());
    const item = queueItem(store);
    const uploading = store.transitionItem(item.id, 'uploading', { attempt: 1 }, { attempts: 1 });
    expect(uploading).toEqual(store.getItem(item.id));
    const retrying = store.transitionItem(
      item.id,
      'retrying',
      { nextAttemptAt: 5_000, errorCode: 'http-503', errorMessage: 'busy' },
      {
        nextAttemptAt: 5_000,
        lastErrorCode: 'http-503',
        lastErrorMessage: 'busy',
        request: { title: 'Report', pages: [1, 2] },
        remoteQuickXorHash: undefined,
      },
    );
    expect(retrying.state).toBe('retrying');
    expect(retrying.request).toEqual({ title: 'Report', pages: [1, 2] });
    expect(retrying).toEqual(store.getItem(item.id));
    store.transitionItem(item.id, 'uploading', { attempt: 2 });
    const delivered = store.transitionItem(
      item.id,
      'delivered',
      { remoteUrl: 'https://contoso.sharepoint.com/r', isModifiedByServer: false },
      { remoteId: 'r1', remoteUrl: 'https://contoso.sharepoint.com/r', request: null },
    );
    expect(delivered).toEqual(store.getItem(item.id));
    expect(delivered.updatedAt).toBe(store.getItem(item.id)?.updatedAt);
  });

  it('returns from recording a new file the item exactly as a read of its row gives it', () => {
    const { store } = openTestStore(makeTempDir());
    const queued = queueItem(store, { request: { title: 'Report', pages: [1, 2] } });
    expect(queued.request).toEqual({ title: 'Report', pages: [1, 2] });
    expect(queued).toEqual(store.getItem(queued.id));
    const plain = queueItem(store, { relativePath: 'plain.pdf', library: undefined });
    expect(plain).toEqual(store.getItem(plain.id));
    const skipped = store.insertItem(
      buildNewItem({ relativePath: 'again.pdf' }),
      'skipped',
      { duplicateOfItemId: queued.id },
      { duplicateOfItemId: queued.id },
    );
    expect(skipped.duplicateOfItemId).toBe(queued.id);
    expect(skipped).toEqual(store.getItem(skipped.id));
  });

  it('finds the newest of several items of a path, and the newest delivered duplicate', () => {
    const { store } = openTestStore(makeTempDir());
    const sha256 = 'b'.repeat(64);
    const deliveredIds: number[] = [];
    for (let version = 1; version <= 3; version += 1) {
      const item = queueItem(store, {
        relativePath: 'site/log.pdf',
        sizeBytes: version,
        sha256,
        targetPath: 'a/log.pdf',
        library: 'Orders',
      });
      store.transitionItem(item.id, 'uploading', { attempt: 1 });
      store.transitionItem(item.id, 'delivered', { remoteUrl: 'u', isModifiedByServer: false });
      deliveredIds.push(item.id);
      expect(store.findLatestItemForPath('requests', 'site/log.pdf')?.sizeBytes).toBe(version);
      expect(store.findLatestVersion('requests', 'site/log.pdf')?.itemId).toBe(item.id);
      expect(store.findDeliveredDuplicate(sha256, 'a/log.pdf', 'Orders')?.id).toBe(item.id);
    }
    const newest = queueItem(store, { relativePath: 'site/log.pdf', sizeBytes: 4 });
    expect(store.findLatestItemForPath('requests', 'site/log.pdf')).toEqual(newest);
    expect(store.findLatestVersion('requests', 'site/log.pdf')).toMatchObject({
      itemId: newest.id,
      state: 'queued',
    });
    expect(store.findDeliveredDuplicate(sha256, 'a/log.pdf', 'Orders')?.id).toBe(deliveredIds[2]);
  });

  it('records a delivery in one step exactly as the verifying and delivered transitions do', () => {
    const { store, published } = openTestStore(makeTempDir());
    const eventData = { remoteUrl: 'https://contoso.sharepoint.com/r', isModifiedByServer: true };
    const changes = { remoteId: 'r1', remoteUrl: eventData.remoteUrl, lastErrorCode: null };
    const [stepwise, oneStep, verified] = ['a.pdf', 'b.pdf', 'c.pdf'].map((relativePath) => {
      const item = queueItem(store, { relativePath });
      store.transitionItem(item.id, 'uploading', { attempt: 1 }, { attempts: 1 });
      return { id: item.id, attemptId: store.startAttempt(item.id) };
    }) as [{ id: number; attemptId: number }, ...{ id: number; attemptId: number }[]];
    published.length = 0;
    store.transaction(() => {
      store.transitionItem(stepwise.id, 'verifying', {});
      store.transitionItem(stepwise.id, 'delivered', eventData, changes);
      store.finishAttempt(stepwise.attemptId, {
        outcome: 'delivered',
        httpStatus: null,
        errorCode: null,
        errorMessage: null,
      });
    });
    store.recordDelivered(oneStep!.id, eventData, changes, oneStep!.attemptId, 'delivered');
    store.transitionItem(verified!.id, 'verifying', {});
    store.recordDelivered(verified!.id, eventData, changes, verified!.attemptId, 'already-there');

    const history = (itemId: number) =>
      published
        .filter((event) => 'itemId' in event.data && event.data.itemId === itemId)
        .map((event) => [event.type, { ...event.data, itemId: 0 }]);
    expect(history(oneStep!.id)).toEqual(history(stepwise.id));
    expect(history(verified!.id)).toEqual(history(stepwise.id));
    const row = (itemId: number) => {
      const { id: _id, relativePath: _path, updatedAt: _at, ...rest } = store.getItem(itemId)!;
      return rest;
    };
    expect(row(oneStep!.id)).toEqual(row(stepwise.id));
    expect(row(oneStep!.id).state).toBe('delivered');
    const attempt = (itemId: number) => {
      const [{ id: _id, itemId: _item, ...rest }] = store.listAttempts(itemId) as [Attempt];
      return rest;
    };
    expect(attempt(oneStep!.id)).toEqual(attempt(stepwise.id));
    expect(attempt(verified!.id).outcome).toBe('already-there');
    expect(claimNext(store, 'worker-1')).toBeUndefined(); // no outbox rows left

    const queued = queueItem(store, { relativePath: 'd.pdf' });
    expect(() => store.recordDelivered(queued.id, eventData, changes, 0, 'delivered')).toThrow(
      StoreInvariantError,
    );
    expect(store.getItem(queued.id)?.state).toBe('queued');
  });

  it('refuses a transition the lifecycle forbids', () => {
    const { store } = openTestStore(makeTempDir());
    const item = queueItem(store);
    expect(() =>
      store.transitionItem(
        item.id,
        'delivered',
        { remoteUrl: 'x', isModifiedByServer: false },
        {},
        ['verifying'],
      ),
    ).toThrow(StoreInvariantError);
    store.transitionItem(item.id, 'quarantined', { reason: 'bad', quarantinePath: '/q' });
    expect(() => store.transitionItem(item.id, 'uploading', { attempt: 1 })).toThrow(
      /cannot move from quarantined to uploading/,
    );
  });

  it('hands each due item to one worker, and keeps retrying items until their time', () => {
    const { store, clock } = openTestStore(makeTempDir());
    const first = queueItem(store, { relativePath: 'a.pdf' });
    const second = queueItem(store, { relativePath: 'b.pdf' });
    expect(claimNext(store, 'w1')?.id).toBe(first.id);
    expect(claimNext(store, 'w2')?.id).toBe(second.id);
    expect(claimNext(store, 'w3')).toBeUndefined();

    store.transitionItem(first.id, 'uploading', { attempt: 1 });
    const retryAt = clock.now() + 60_000;
    store.transitionItem(
      first.id,
      'retrying',
      { nextAttemptAt: retryAt, errorCode: 'graph.throttled', errorMessage: 'busy' },
      { nextAttemptAt: retryAt, attempts: 1 },
    );
    expect(claimNext(store, 'w1')).toBeUndefined();
    expect(store.nextDeliveryDueAt()).toBe(retryAt);
    clock.advance(60_000);
    expect(claimNext(store, 'w1')?.id).toBe(first.id);
  });

  it('skips paused folders when claiming', () => {
    const { store } = openTestStore(makeTempDir());
    queueItem(store, { folderId: 'paused-one' });
    const other = queueItem(store, { folderId: 'running' });
    expect(claimNext(store, 'w', ['paused-one'])?.id).toBe(other.id);
    expect(claimNext(store, 'w', ['paused-one'])).toBeUndefined();
  });

  it('finds a delivered duplicate by content, target path and library', () => {
    const { store } = openTestStore(makeTempDir());
    const sha256 = 'b'.repeat(64);
    const delivered = queueItem(store, { sha256, targetPath: 'a/x.pdf', library: 'Orders' });
    store.transitionItem(delivered.id, 'uploading', { attempt: 1 });
    store.transitionItem(delivered.id, 'delivered', { remoteUrl: 'u', isModifiedByServer: false });
    expect(store.findDeliveredDuplicate(sha256, 'a/x.pdf', 'Orders')?.id).toBe(delivered.id);
    expect(store.findDeliveredDuplicate(sha256, 'a/x.pdf', 'Invoices')).toBeUndefined();
    expect(store.findDeliveredDuplicate(sha256, 'a/y.pdf', 'Orders')).toBeUndefined();
    expect(store.findDeliveredDuplicate('c'.repeat(64), 'a/x.pdf', 'Orders')).toBeUndefined();
  });

  it('releases claims left by a process that died', () => {
    const { store } = openTestStore(makeTempDir());
    const item = queueItem(store);
    claimNext(store, 'dead-process');
    expect(claimNext(store, 'new-process')).toBeUndefined();
    expect(store.releaseAllClaims()).toBe(1);
    expect(claimNext(store, 'new-process')?.id).toBe(item.id);
  });

  it('puts a failed item back in the queue with a fresh start', () => {
    const { store } = openTestStore(makeTempDir());
    const item = queueItem(store);
    store.transitionItem(
      item.id,
      'failed',
      { errorCode: 'graph.denied', errorMessage: 'no access' },
      {
        attempts: 4,
        lastErrorCode: 'graph.denied',
        lastErrorMessage: 'no access',
      },
    );
    expect(store.listFailedItemIds()).toEqual([item.id]);
    const requeued = store.requeueItem(item.id);
    expect(requeued).toMatchObject({ state: 'queued', attempts: 0, lastErrorMessage: null });
    expect(claimNext(store, 'w')?.id).toBe(item.id);
  });

  it('pages items newest first with state, folder and text filters', () => {
    const { store } = openTestStore(makeTempDir());
    const ids = Array.from(
      { length: 5 },
      (_, index) =>
        queueItem(store, {
          relativePath: `file-${index}.pdf`,
          folderId: index % 2 === 0 ? 'even' : 'odd',
          request: { requestId: `REQ-${index}` },
        }).id,
    );
    expect(store.listItems({ limit: 2 }).map((item) => item.id)).toEqual([ids[4], ids[3]]);
    expect(store.listItems({ limit: 10, beforeId: ids[3] }).map((item) => item.id)).toEqual([
      ids[2],
      ids[1],
      ids[0],
    ]);
    expect(store.listItems({ limit: 10, folderId: 'odd' })).toHaveLength(2);
    expect(store.listItems({ limit: 10, search: 'REQ-3' }).map((item) => item.id)).toEqual([
      ids[3],
    ]);
    expect(store.listItems({ limit: 10, search: '%' })).toEqual([]);
    expect(store.listItems({ limit: 10, states: ['failed'] })).toEqual([]);
  });

  it('records attempts with their outcome', () => {
    const { store, clock } = openTestStore(makeTempDir());
    const item = queueItem(store);
    const attemptId = store.startAttempt(item.id);
    clock.advance(1500);
    store.finishAttempt(attemptId, {
      outcome: 'retrying',
      httpStatus: 503,
      errorCode: 'graph.unavailable',
      errorMessage: 'SharePoint is busy',
    });
    const [attempt] = store.listAttempts(item.id);
    expect(attempt).toMatchObject({ httpStatus: 503, outcome: 'retrying' });
    expect((attempt?.endedAt ?? 0) - (attempt?.startedAt ?? 0)).toBe(1500);
  });

  it('creates the database readable by its owner only', () => {
    const dataDir = makeTempDir();
    openTestStore(dataDir);
    const mode = fs.statSync(path.join(dataDir, 'sitedrop.db')).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('keeps the database in WAL mode', () => {
    const dataDir = makeTempDir();
    openTestStore(dataDir);
    const db = new BetterSqlite3(path.join(dataDir, 'sitedrop.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
