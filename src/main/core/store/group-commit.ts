import type { Store } from './store.ts';

/** Runs a store write in the next shared commit; resolves with its result after COMMIT. */
export type GroupCommit = <T>(work: () => T, options?: GroupCommitOptions) => Promise<T>;

/** How one work joins the commit. */
export interface GroupCommitOptions {
  /**
   * The work makes at most one store write, and nothing after it can throw: a store call is
   * atomic by itself (its own savepoint), so the work needs no savepoint of its own around it
   * (two statements fewer per record; issue 7, figure 2).
   */
  isAtomic?: boolean;
}

interface Waiting {
  work: () => unknown;
  isAtomic: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit (issue 7): store writes that become ready in the same event-loop turn share one
 * IMMEDIATE transaction, so a burst costs one WAL fsync per batch instead of one per write
 * (synchronous=FULL made 10,000 files take ~25 s in intake, almost all of it in COMMIT; four
 * commits per delivered item, each blocking the thread all delivery workers share, bounded
 * delivery's rate of small files). Intake records files through one; delivery claims items and
 * records their outcomes through another.
 *
 * Each work runs in its own savepoint inside the batch: one that throws is rolled back alone
 * and its caller's promise rejects with the error; the others commit. Every promise settles
 * only after the batch's COMMIT, and the store publishes the events after it too, so "a state is
 * reached exactly when its transaction commits" (docs/architecture.md, rules 1 and 2) holds for
 * every write of the batch. A failed COMMIT rejects every caller of the batch. A single write
 * waits for one setImmediate at most: no timer delays it, unless the owner asks for `gatherMs`.
 *
 * `gatherMs`: the batch is committed that long after its first write instead, for writers whose
 * callers do not wait for the commit to go on (delivery, whose slots send the item they hold
 * ahead meanwhile): responses that arrive a few milliseconds apart then share one fsync.
 */
export function createGroupCommit(store: Store, options: { gatherMs?: number } = {}): GroupCommit {
  const gatherMs = options.gatherMs ?? 0;
  let waiting: Waiting[] = [];
  let isScheduled = false;

  const flush = () => {
    isScheduled = false;
    const batch = waiting;
    waiting = [];
    const outcomes: ({ isOk: true; value: unknown } | { isOk: false; error: unknown })[] = [];
    try {
      store.transaction(() => {
        for (const entry of batch) {
          try {
            const value = entry.isAtomic ? entry.work() : store.transaction(entry.work);
            outcomes.push({ isOk: true, value });
          } catch (error) {
            // Its savepoint is rolled back; the caller hears of it below, after the commit.
            outcomes.push({ isOk: false, error });
          }
        }
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, index) => {
      const outcome = outcomes[index];
      if (outcome?.isOk) entry.resolve(outcome.value);
      else entry.reject(outcome?.error);
    });
  };

  return <T>(work: () => T, workOptions: GroupCommitOptions = {}) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({
        work,
        isAtomic: workOptions.isAtomic ?? false,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (isScheduled) return;
      isScheduled = true;
      if (gatherMs > 0) setTimeout(flush, gatherMs);
      else setImmediate(flush);
    });
}
