import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createGroupCommit,
  type Item,
  type Store,
} from '../../../../../src/main/core/store/index.ts';
import type { GroupCommitStore } from '../../../../../src/main/core/store/group-commit.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';
import { openTestStore, queueItem } from '../../../../helpers/store.ts';

describe('group commit', () => {
  it('commits records that are ready together in one transaction, and publishes after it', async () => {
    const { store, published } = openTestStore(makeTempDir());
    const commit = createGroupCommit(store);
    const seenBeforeCommit: number[] = [];
    const results = await Promise.all(
      ['a.pdf', 'b.pdf', 'c.pdf'].map((name) =>
        commit.run(() => {
          seenBeforeCommit.push(published.length);
          return queueItem(store, { relativePath: name });
        }),
      ),
    );
    expect(results.map((item) => item.relativePath)).toEqual(['a.pdf', 'b.pdf', 'c.pdf']);
    // Nothing was heard while the batch was open; all three queued events after its commit.
    expect(seenBeforeCommit).toEqual([0, 0, 0]);
    expect(published.map((event) => event.type)).toEqual([
      'item.queued',
      'item.queued',
      'item.queued',
    ]);
  });

  it('with gatherMs, writes a few turns apart share one commit; without, each turn commits', async () => {
    const { store, published } = openTestStore(makeTempDir());
    const immediate = createGroupCommit(store);
    const alone = immediate.run(() => queueItem(store, { relativePath: 'alone.pdf' }));
    await nextTurn();
    expect(published).toHaveLength(1);
    await alone;

    const gathering = createGroupCommit(store, { gatherMs: 50 });
    const first = gathering.run(() => queueItem(store, { relativePath: 'first.pdf' }));
    await nextTurn();
    await nextTurn();
    expect(published).toHaveLength(1);
    const second = gathering.run(() => queueItem(store, { relativePath: 'second.pdf' }));
    let publishedWhenFirstCommitted = 0;
    void first.then(() => (publishedWhenFirstCommitted = published.length));
    await Promise.all([first, second]);
    expect(publishedWhenFirstCommitted).toBe(3);
  });

  it('with gatherMs, single writes arriving spread over the window share one commit, each acknowledged only once it is committed', async () => {
    const dataDir = makeTempDir();
    const { store } = openTestStore(dataDir);
    const fresh = (prefix: string) =>
      [1, 2, 3, 4, 5, 6].map((n) => queueItem(store, { relativePath: `${prefix}-${n}.pdf` }));
    // Another connection sees only what has committed: the acknowledgement must come after it.
    const reader = new BetterSqlite3(path.join(dataDir, 'sitedrop.db'), { readonly: true });
    onTestFinished(() => {
      reader.close();
    });
    const stateOf = reader.prepare('SELECT state FROM items WHERE id = ?').pluck();
    /** Six outcomes (queued → uploading) 3 ms apart, as spread-out responses bring them. */
    const outcomesArrivingSpread = async (gatherMs: number, items: Item[]) => {
      const counted = countingTransactions(store);
      const commit = createGroupCommit(counted.store, { gatherMs });
      const seenAtAcknowledgement: unknown[] = [];
      const acknowledged: Promise<void>[] = [];
      for (const [index, item] of items.entries()) {
        if (index > 0) await sleep(3);
        const written = commit.runSingleWrite(() => {
          store.transitionItem(item.id, 'uploading', { attempt: 1 }, { attempts: 1 });
        });
        acknowledged.push(
          written.then(() => void seenAtAcknowledgement.push(stateOf.get(item.id))),
        );
      }
      await Promise.all(acknowledged);
      return { commits: counted.commits(), seenAtAcknowledgement };
    };

    // By turn alone, each commits on its own.
    const byTurn = await outcomesArrivingSpread(0, fresh('turn'));
    expect(byTurn.commits).toBe(6);
    expect(byTurn.seenAtAcknowledgement).toEqual(Array(6).fill('uploading'));

    // Within a 40 ms window they share far fewer commits, and still none is heard early.
    const gathered = await outcomesArrivingSpread(40, fresh('window'));
    expect(gathered.commits).toBeLessThanOrEqual(2);
    expect(gathered.seenAtAcknowledgement).toEqual(Array(6).fill('uploading'));
  });

  it('hurry() commits the open batch at the next turn instead of at the end of its window', async () => {
    const { store, published } = openTestStore(makeTempDir());
    const commit = createGroupCommit(store, { gatherMs: 10_000 });
    const written = commit.runSingleWrite(() => queueItem(store, { relativePath: 'waited.pdf' }));
    await nextTurn();
    expect(published).toHaveLength(0);
    commit.hurry();
    await written;
    expect(published.map((event) => event.type)).toEqual(['item.queued']);
    // With no batch open, hurry() does nothing, and the next batch gathers again.
    commit.hurry();
    const later = commit.runSingleWrite(() => queueItem(store, { relativePath: 'later.pdf' }));
    await nextTurn();
    await nextTurn();
    expect(published).toHaveLength(1);
    commit.hurry();
    await later;
    expect(published).toHaveLength(2);
  });

  it('rolls back only the record that failed; the others in its batch are accepted', async () => {
    const { store, published } = openTestStore(makeTempDir());
    const commit = createGroupCommit(store);
    const outcomes = await Promise.allSettled([
      commit.run(() => queueItem(store, { relativePath: 'kept-1.pdf' })),
      commit.run(() => {
        queueItem(store, { relativePath: 'rolled-back.pdf' });
        throw new Error('disk said no');
      }),
      commit.run(() => queueItem(store, { relativePath: 'kept-2.pdf' })),
    ]);
    expectOnlyTheFailedOneMissing(store, outcomes);
    expect(published).toHaveLength(2);
  });

  it('runs single writes with no savepoint; when one fails midway, runs them again and keeps the others once', async () => {
    const dataDir = makeTempDir();
    const { store, published } = openTestStore(dataDir);
    refuseEventsOf(dataDir, 'refused.pdf');
    const commit = createGroupCommit(store);
    let runs = 0;
    const outcomes = await Promise.allSettled([
      commit.runSingleWrite(() => {
        runs += 1;
        return queueItem(store, { relativePath: 'kept-1.pdf' });
      }),
      commit.runSingleWrite(() => queueItem(store, { relativePath: 'refused.pdf' })),
      commit.runSingleWrite(() => queueItem(store, { relativePath: 'kept-2.pdf' })),
    ]);
    // The first run was rolled back whole (refused.pdf's item row was written without its
    // event); the second ran each work on its own.
    expect(runs).toBe(2);
    expectOnlyTheFailedOneMissing(store, outcomes);
    expect(published.map((event) => event.type)).toEqual(['item.queued', 'item.queued']);
    expect(store.readEventsSince(0, 10).map((event) => event.type)).toEqual([
      'item.queued',
      'item.queued',
    ]);
  });

  it('in a work of many steps, a step that fails midway is rolled back alone, with or without savepoints', async () => {
    const dataDir = makeTempDir();
    const { store } = openTestStore(dataDir);
    refuseEventsOf(dataDir, 'refused.pdf');
    const commit = createGroupCommit(store);
    const results = await commit.runSteps((tryStep) =>
      ['kept-1.pdf', 'refused.pdf', 'kept-2.pdf'].map((name) =>
        tryStep(() => queueItem(store, { relativePath: name })),
      ),
    );
    expect(results.map((result) => result.isOk)).toEqual([true, false, true]);
    const paths = store.listItems({ limit: 10 }).map((item) => item.relativePath);
    expect(paths.sort()).toEqual(['kept-1.pdf', 'kept-2.pdf']);
  });
});

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The store as a group commit uses it, counting its outermost transactions (its commits). */
function countingTransactions(store: Store): { store: GroupCommitStore; commits: () => number } {
  let commits = 0;
  return {
    store: {
      transaction: (work) => {
        commits += 1;
        return store.transaction(work);
      },
      withoutSavepoints: (work) => store.withoutSavepoints(work),
    },
    commits: () => commits,
  };
}

/** Makes the store refuse the event of an item of this name (its call then fails midway). */
function refuseEventsOf(dataDir: string, name: string): void {
  const side = new BetterSqlite3(path.join(dataDir, 'sitedrop.db'));
  side.exec(
    `CREATE TRIGGER refuse_event BEFORE INSERT ON events WHEN NEW.data LIKE '%${name}%' BEGIN SELECT RAISE(ABORT, 'disk said no'); END`,
  );
  side.close();
}

/** The middle one of three records failed alone: kept-1.pdf and kept-2.pdf were accepted. */
function expectOnlyTheFailedOneMissing(store: Store, outcomes: PromiseSettledResult<unknown>[]) {
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  const paths = store.listItems({ limit: 10 }).map((item) => item.relativePath);
  expect(paths.sort()).toEqual(['kept-1.pdf', 'kept-2.pdf']);
}
