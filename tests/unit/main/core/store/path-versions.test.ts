import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';
import { openTestStore, queueItem } from '../../../../helpers/store.ts';

describe('what a scan asks the store', () => {
  it('finds the version the latest item of a path stands for', () => {
    const { store } = openTestStore(makeTempDir());
    const older = queueItem(store, { relativePath: 'site/b.pdf', sizeBytes: 3 });
    store.transitionItem(older.id, 'gone', {});
    const newer = queueItem(store, { relativePath: 'site/b.pdf', sizeBytes: 4 });

    expect(store.findLatestVersion('requests', 'site/b.pdf')).toEqual({
      itemId: newer.id,
      relativePath: 'site/b.pdf',
      sizeBytes: 4,
      mtimeMs: newer.mtimeMs,
      state: 'queued',
    });
    expect(store.findLatestVersion('elsewhere', 'site/b.pdf')).toBeUndefined();
    expect(store.findLatestVersion('requests', 'site/c.pdf')).toBeUndefined();
  });

  it('lists the waiting paths directly in one folder, not in its subfolders or look-alikes', () => {
    const { store } = openTestStore(makeTempDir());
    for (const relativePath of [
      'top.pdf',
      'site/a.pdf',
      'site/deeper/c.pdf',
      'site.x/d.pdf',
      'site0/e.pdf',
      'sitemap.pdf',
    ]) {
      queueItem(store, { relativePath });
    }
    const gone = queueItem(store, { relativePath: 'site/gone.pdf' });
    store.transitionItem(gone.id, 'gone', {});
    queueItem(store, { relativePath: 'site/f.pdf', folderId: 'elsewhere' });
    const waiting = ['queued', 'retrying', 'failed'] as const;

    expect([...store.iteratePathsInStates('requests', waiting, 'site')]).toEqual(['site/a.pdf']);
    expect([...store.iteratePathsInStates('requests', waiting, '')].sort()).toEqual([
      'sitemap.pdf',
      'top.pdf',
    ]);
    expect([...store.iteratePathsInStates('requests', waiting, 'site/deeper')]).toEqual([
      'site/deeper/c.pdf',
    ]);
    expect(store.countPathsInStates('requests', waiting, 'site')).toBe(1);
    expect(store.countPathsInStates('requests', waiting, '')).toBe(2);
    expect(store.countPathsInStates('requests', waiting)).toBe(6);
  });
});
