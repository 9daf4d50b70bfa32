import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';
import { openTestStore, queueItem } from '../../../../helpers/store.ts';

describe('iteratePathsInStates', () => {
  it("lists the paths of a folder's items in the given states only", () => {
    const { store } = openTestStore(makeTempDir());
    queueItem(store, { relativePath: 'waiting.pdf' });
    const failed = queueItem(store, { relativePath: 'failed.pdf' });
    store.transitionItem(failed.id, 'uploading', { attempt: 1 });
    store.transitionItem(failed.id, 'failed', { errorCode: 'graph.forbidden', errorMessage: 'no' });
    queueItem(store, { relativePath: 'other-folder.pdf', folderId: 'elsewhere' });
    const skipped = queueItem(store, { relativePath: 'cancelled.pdf' });
    store.transitionItem(skipped.id, 'cancelled', {});

    const paths = [...store.iteratePathsInStates('requests', ['queued', 'retrying', 'failed'])];

    expect(paths.sort()).toEqual(['failed.pdf', 'waiting.pdf']);
  });
});
