import { describe, expect, it } from 'vitest';
import {
  StoreInvariantError,
  type RemoteChange,
} from '../../../../../src/main/core/store/index.ts';
import { openTestStore } from '../../../../helpers/store.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';

function change(overrides: Partial<RemoteChange> & { remoteItemId: string }): RemoteChange {
  return {
    isDeleted: false,
    eTag: `"${overrides.remoteItemId},1"`,
    cTag: `"c:${overrides.remoteItemId},1"`,
    name: `${overrides.remoteItemId}.pdf`,
    sizeBytes: 100,
    quickXorHash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    ...overrides,
  };
}

function bring(store: ReturnType<typeof openTestStore>['store'], id: number, localPath: string) {
  store.responses.startDownloading(id, 0);
  store.responses.markVerifying(id);
  return store.responses.markReady(id, { localPath, sizeBytes: 100, requestId: null });
}

describe('the responses inbox', () => {
  it('records each remote change of a page as detected, with its event, in one commit', () => {
    const { store, published } = openTestStore(makeTempDir());
    const written = store.responses.applyDeltaPage(
      'requests',
      [change({ remoteItemId: 'A' }), change({ remoteItemId: 'B' })],
      'https://graph.example/delta?token=opaque-1',
    );
    expect(written.map((response) => [response.remoteItemId, response.state])).toEqual([
      ['A', 'detected'],
      ['B', 'detected'],
    ]);
    expect(published.map((event) => event.type)).toEqual([
      'response.detected',
      'response.detected',
    ]);
    expect(store.responses.deltaLink('requests')).toBe(
      'https://graph.example/delta?token=opaque-1',
    );
  });

  it('applies an item repeated in a page once, as its last occurrence says', () => {
    const { store } = openTestStore(makeTempDir());
    const written = store.responses.applyDeltaPage('requests', [
      change({ remoteItemId: 'A', cTag: '"c:A,1"', sizeBytes: 1 }),
      change({ remoteItemId: 'B' }),
      change({ remoteItemId: 'A', cTag: '"c:A,2"', sizeBytes: 2 }),
    ]);
    expect(
      written.map((response) => [response.remoteItemId, response.cTag, response.sizeBytes]),
    ).toEqual([
      ['B', '"c:B,1"', 100],
      ['A', '"c:A,2"', 2],
    ]);
    expect(store.responses.listNewest(10)).toHaveLength(2);
  });

  it('changes nothing when a page names versions it holds (a resync enumerates them again)', () => {
    const { store, published } = openTestStore(makeTempDir());
    const [first] = store.responses.applyDeltaPage('requests', [change({ remoteItemId: 'A' })]);
    bring(store, first!.id, '/responses/A.pdf');
    const before = published.length;
    const again = store.responses.applyDeltaPage('requests', [
      change({ remoteItemId: 'A', eTag: '"A,2"' }),
    ]);
    expect(again).toEqual([]);
    expect(published).toHaveLength(before);
    expect(store.responses.get(first!.id)?.state).toBe('ready');
  });

  it('brings a changed file (new cTag) as a new response and supersedes one not yet brought', () => {
    const { store } = openTestStore(makeTempDir());
    const [ready] = store.responses.applyDeltaPage('requests', [change({ remoteItemId: 'A' })]);
    bring(store, ready!.id, '/responses/A.pdf');
    const [second] = store.responses.applyDeltaPage('requests', [
      change({ remoteItemId: 'A', cTag: '"c:A,2"' }),
    ]);
    expect(second).toMatchObject({ state: 'detected', cTag: '"c:A,2"' });
    const [third] = store.responses.applyDeltaPage('requests', [
      change({ remoteItemId: 'A', cTag: '"c:A,3"', quickXorHash: undefined, name: undefined }),
    ]);
    expect(store.responses.get(second!.id)).toMatchObject({
      state: 'skipped',
      skipReason: 'superseded',
    });
    // The new version keeps the name (a change may lack it) but never the old version's hash.
    expect(third).toMatchObject({ cTag: '"c:A,3"', name: 'A.pdf', quickXorHash: null });
    expect(store.responses.get(ready!.id)?.state).toBe('ready');
  });

  it('records a remote deletion beside the brought version, keeping its local path', () => {
    const { store } = openTestStore(makeTempDir());
    const [ready] = store.responses.applyDeltaPage('requests', [change({ remoteItemId: 'A' })]);
    bring(store, ready!.id, '/responses/A.pdf');
    const deletion = { remoteItemId: 'A', isDeleted: true };
    const [deleted] = store.responses.applyDeltaPage('requests', [deletion]);
    expect(deleted).toMatchObject({
      state: 'skipped',
      skipReason: 'deleted',
      name: 'A.pdf',
      localPath: '/responses/A.pdf',
    });
    expect(store.responses.get(ready!.id)?.state).toBe('ready');
    expect(store.responses.applyDeltaPage('requests', [deletion])).toEqual([]);
  });

  it('skips a response not yet brought when its file is deleted, and ignores unknown deletions', () => {
    const { store } = openTestStore(makeTempDir());
    const [pending] = store.responses.applyDeltaPage('requests', [change({ remoteItemId: 'A' })]);
    store.responses.startDownloading(pending!.id, 0);
    store.responses.applyDeltaPage('requests', [
      { remoteItemId: 'A', isDeleted: true },
      { remoteItemId: 'never-seen', isDeleted: true },
    ]);
    expect(store.responses.get(pending!.id)).toMatchObject({
      state: 'skipped',
      skipReason: 'deleted',
    });
    expect(store.responses.listNewest(10)).toHaveLength(1);
  });

  it('appends an event for every transition, in order', () => {
    const { store, published } = openTestStore(makeTempDir());
    const [response] = store.responses.applyDeltaPage('requests', [change({ remoteItemId: 'A' })]);
    bring(store, response!.id, '/responses/A.pdf');
    expect(published.map((event) => event.type)).toEqual([
      'response.detected',
      'response.downloading',
      'response.verifying',
      'response.ready',
    ]);
    expect(published.at(-1)?.data).toEqual({
      responseId: response!.id,
      localPath: '/responses/A.pdf',
      sizeBytes: 100,
      requestId: null,
    });
  });

  it('refuses a transition the lifecycle forbids, writing nothing', () => {
    const { store, published } = openTestStore(makeTempDir());
    const [response] = store.responses.applyDeltaPage('requests', [change({ remoteItemId: 'A' })]);
    bring(store, response!.id, '/responses/A.pdf');
    const before = published.length;
    expect(() => store.responses.startDownloading(response!.id, 0)).toThrow(StoreInvariantError);
    expect(() => store.responses.markVerifying(response!.id)).toThrow(
      'cannot move from ready to verifying',
    );
    expect(store.responses.get(response!.id)?.state).toBe('ready');
    expect(published).toHaveLength(before);
  });

  it('keeps neither the page nor its delta link when one change cannot be written', () => {
    const { store, published } = openTestStore(makeTempDir());
    expect(() =>
      store.responses.applyDeltaPage(
        'requests',
        [change({ remoteItemId: 'A' }), change({ remoteItemId: 'B', sizeBytes: 1.5 })],
        'https://graph.example/delta?token=opaque-2',
      ),
    ).toThrow();
    expect(store.responses.listNewest(10)).toEqual([]);
    expect(store.responses.deltaLink('requests')).toBeUndefined();
    expect(published).toEqual([]);
  });

  it('keeps the delta link and the download offset across a restart', () => {
    const dataDir = makeTempDir();
    const first = openTestStore(dataDir);
    const [response] = first.store.responses.applyDeltaPage(
      'requests',
      [change({ remoteItemId: 'A' })],
      'opaque link',
    );
    first.store.responses.startDownloading(response!.id, 0);
    first.store.responses.update(response!.id, { downloadOffset: 4096 });
    first.store.close();
    const second = openTestStore(dataDir);
    expect(second.store.responses.deltaLink('requests')).toBe('opaque link');
    expect(second.store.responses.listPending()).toMatchObject([
      { id: response!.id, state: 'downloading', downloadOffset: 4096 },
    ]);
  });
});
