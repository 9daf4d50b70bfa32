import type { StepResult, Store } from './store.ts';

/** Runs a store write in the next shared commit; resolves with its result after COMMIT. */
export type GroupCommit = <T>(work: () => T, options?: GroupCommitOptions) => Promise<T>;

/** How one work joins the commit. */
export interface GroupCommitOptions {
  /**
   * The work never throws with a write of its own done: it makes at most one store write and
   * nothing after it can throw, or it catches the error of each of its writes itself. A store
   * call is atomic by itself (its own savepoint), so such a work needs no savepoint around it:
   * two statements fewer per record, and no savepoint held open over a work of many writes,
   * under which each write's savepoint journals its pages anew (a work recording 512 files took
   * three times as long in one; issue 7, figure 2).
   */
  isAtomic?: boolean;
  /**
   * The work only reads and writes the store, and run again on the same store it does the same
   * (its other effects, if any, are overwritten by the second run); it catches no store error
   * itself but through Store.tryAtomic, which lets it through here. A batch of such works first
   * runs with no savepoint at all; if one of them throws, the whole batch is rolled back and run
   * again the guarded way (each work on its own). A savepoint held over a store write made each
   * recorded file ~14% more work for SQLite, which journals the pages it touches (issue 7,
   * figure 2).
   */
  isRepeatable?: boolean;
}

type Outcome = StepResult<unknown>;

interface Waiting {
  work: () => unknown;
  isAtomic: boolean;
  isRepeatable: boolean;
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

  /** Runs a batch with no savepoint; undefined (and nothing written) when one of its works threw. */
  const runOptimistically = (batch: Waiting[]): Outcome[] | undefined => {
    let hasWorkFailed = false;
    try {
      return store.transaction(() =>
        store.withoutSavepoints(() =>
          batch.map((entry): Outcome => {
            try {
              return { isOk: true, value: entry.work() };
            } catch (error) {
              hasWorkFailed = true;
              throw error;
            }
          }),
        ),
      );
    } catch (error) {
      if (hasWorkFailed) return undefined;
      throw error;
    }
  };

  /** Runs a batch with each work on its own: one that throws is rolled back alone. */
  const runGuarded = (batch: Waiting[]): Outcome[] =>
    store.transaction(() =>
      batch.map((entry): Outcome => {
        try {
          return {
            isOk: true,
            value: entry.isAtomic ? entry.work() : store.transaction(entry.work),
          };
        } catch (error) {
          // Its savepoint is rolled back; the caller hears of it below, after the commit.
          return { isOk: false, error };
        }
      }),
    );

  const flush = () => {
    isScheduled = false;
    const batch = waiting;
    waiting = [];
    let outcomes: Outcome[];
    try {
      const isRepeatable = batch.every((entry) => entry.isRepeatable);
      outcomes = (isRepeatable ? runOptimistically(batch) : undefined) ?? runGuarded(batch);
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
        isRepeatable: workOptions.isRepeatable ?? false,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (isScheduled) return;
      isScheduled = true;
      if (gatherMs > 0) setTimeout(flush, gatherMs);
      else setImmediate(flush);
    });
}
