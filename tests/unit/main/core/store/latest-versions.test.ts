import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';
import { openTestStore, queueItem } from '../../../../helpers/store.ts';

describe('latestVersionsInDirectory', () => {
  it('gives the latest item of each path directly in one folder, not in its subfolders or siblings', () => {
    const { store } = openTestStore(makeTempDir());
    queueItem(store, { relativePath: 'top.pdf', sizeBytes: 1 });
    queueItem(store, { relativePath: 'site/a.pdf', sizeBytes: 2 });
    const older = queueItem(store, { relativePath: 'site/b.pdf', sizeBytes: 3 });
    store.transitionItem(older.id, 'gone', {});
    const newer = queueItem(store, { relativePath: 'site/b.pdf', sizeBytes: 4 });
    queueItem(store, { relativePath: 'site/deeper/c.pdf' });
    queueItem(store, { relativePath: 'site.x/d.pdf' });
    queueItem(store, { relativePath: 'site0/e.pdf' });
    queueItem(store, { relativePath: 'site/f.pdf', folderId: 'elsewhere' });

    const site = store.latestVersionsInDirectory('requests', 'site');
    const root = store.latestVersionsInDirectory('requests', '');

    expect([...site.keys()].sort()).toEqual(['a.pdf', 'b.pdf']);
    expect(site.get('b.pdf')).toEqual({
      itemId: newer.id,
      relativePath: 'site/b.pdf',
      sizeBytes: 4,
      mtimeMs: newer.mtimeMs,
      state: 'queued',
    });
    expect([...root.keys()]).toEqual(['top.pdf']);
  });
});
