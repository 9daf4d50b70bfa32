import type { Store } from './store.ts';

/** What a group commit needs of the store: its transactions, and nesting without savepoints. */
export type GroupCommitStore = Pick<Store, 'transaction' | 'withoutSavepoints'>;

/** How one step of a work ended (GroupCommit.runSteps). */
export type StepResult<T> = { isOk: true; value: T } | { isOk: false; error: unknown };

/**
 * Runs one step of a work of many steps (GroupCommit.runSteps) and returns how it ended. The
 * group commit supplies it: in a run with savepoints a step that throws is caught and rolled
 * back alone; in the run with none, its throw ends the run, and the batch runs again with them.
 */
export type TryStep = <T>(step: () => T) => StepResult<T>;

/**
 * Store writes that share the next commit; each promise resolves with its work's result after
 * COMMIT. Each way of joining the commit is its own function.
 */
export interface GroupCommit {
  /** Runs work in a savepoint of its own: a throw rolls back its writes alone. */
  run<T>(work: () => T): Promise<T>;
  /**
   * Runs a work that only reads and writes the store and makes one store write at most, last
   * (a store call is atomic by itself: its own savepoint). So it needs no savepoint around it,
   * and it may run twice: a batch of such works first runs with no savepoint at all; when one
   * throws, the whole batch is rolled back and runs again with each work on its own.
   *
   * A savepoint held over a store write makes SQLite journal the pages it touches again: no
   * savepoint is two statements fewer per record and less work for SQLite per recorded file
   * (docs/performance.md, "Why the code is shaped so", Store).
   */
  runSingleWrite<T>(work: () => T): Promise<T>;
  /**
   * Runs a work of many steps, each one store write as for runSingleWrite, through `tryStep`, so
   * that one step can fail alone and the work goes on with the next. Like runSingleWrite, it
   * only reads and writes the store (and its results) and may run twice; no savepoint is held
   * over the whole work, under which each step's savepoint would journal its pages anew.
   */
  runSteps<T>(work: (tryStep: TryStep) => T): Promise<T>;
  /**
   * Commits the open batch at the next turn instead of at the end of its gathering window: its
   * owner has someone waiting for it (a delivery slot with nothing left to send). Nothing
   * happens when no batch is open, or when it commits at the next turn anyway.
   */
  hurry(): void;
}

type Outcome = StepResult<unknown>;

interface Waiting {
  work: (tryStep: TryStep) => unknown;
  /** runSingleWrite and runSteps: no savepoint around it, and it may run twice. */
  isSingleWrite: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A step in the run with no savepoints: a throw ends the run (and the batch runs again). */
const runUnguarded: TryStep = (step) => ({ isOk: true, value: step() });

/** A step in a run with savepoints: its store call rolls itself back, and the work goes on. */
const tryGuarded: TryStep = (step) => {
  try {
    return { isOk: true, value: step() };
  } catch (error) {
    return { isOk: false, error };
  }
};

/**
 * Group commit: store writes that become ready in the same event-loop turn share one IMMEDIATE
 * transaction, so a burst costs one WAL fsync per batch instead of one per write. With
 * synchronous=FULL each COMMIT waits for the disk, on the thread that intake and every delivery
 * worker share: one per write is most of the time a burst of files takes (docs/performance.md).
 * Intake records files through one; delivery claims items and records their outcomes through
 * another.
 *
 * Each work is rolled back alone when it throws (in its own savepoint, or by its store call's)
 * and its caller's promise rejects with the error; the others commit. Every promise settles
 * only after the batch's COMMIT, and the store publishes the events after it too, so "a state is
 * reached exactly when its transaction commits" (docs/architecture.md, rules 1 and 2) holds for
 * every write of the batch. A failed COMMIT rejects every caller of the batch. A single write
 * waits for one setImmediate at most: no timer delays it, unless the owner asks for `gatherMs`.
 *
 * `gatherMs`: the batch is committed that long after its first write instead, for writers whose
 * callers do not wait for the commit to go on (delivery, whose slots send the item they hold
 * ahead meanwhile): writes that arrive up to that far apart then share one fsync, so writes
 * spread out by a slow server cost no more commits than a burst. The window bounds the wait of
 * each write; `hurry()` ends it early when someone waits.
 */
export function createGroupCommit(
  store: GroupCommitStore,
  options: { gatherMs?: number } = {},
): GroupCommit {
  const gatherMs = options.gatherMs ?? 0;
  let waiting: Waiting[] = [];
  let isScheduled = false;
  /** The end of the open batch's gathering window, while it is pending. */
  let windowTimer: ReturnType<typeof setTimeout> | undefined;

  /** Runs a batch with no savepoint; undefined (and nothing written) when one of its works threw. */
  const runOptimistically = (batch: Waiting[]): Outcome[] | undefined => {
    let hasWorkFailed = false;
    try {
      return store.transaction(() =>
        store.withoutSavepoints(() =>
          batch.map((entry): Outcome => {
            try {
              return { isOk: true, value: entry.work(runUnguarded) };
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
            value: entry.isSingleWrite
              ? entry.work(tryGuarded)
              : store.transaction(() => entry.work(tryGuarded)),
          };
        } catch (error) {
          // Its savepoint is rolled back; the caller hears of it below, after the commit.
          return { isOk: false, error };
        }
      }),
    );

  const flush = () => {
    isScheduled = false;
    clearTimeout(windowTimer);
    windowTimer = undefined;
    const batch = waiting;
    waiting = [];
    let outcomes: Outcome[];
    try {
      const isEverySingleWrite = batch.every((entry) => entry.isSingleWrite);
      outcomes = (isEverySingleWrite ? runOptimistically(batch) : undefined) ?? runGuarded(batch);
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

  const join = <T>(work: (tryStep: TryStep) => T, isSingleWrite: boolean) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ work, isSingleWrite, resolve: resolve as (value: unknown) => void, reject });
      if (isScheduled) return;
      isScheduled = true;
      if (gatherMs > 0) windowTimer = setTimeout(flush, gatherMs);
      else setImmediate(flush);
    });

  return {
    run: (work) => join(work, false),
    runSingleWrite: (work) => join(work, true),
    runSteps: (work) => join(work, true),
    hurry: () => {
      if (windowTimer === undefined) return;
      clearTimeout(windowTimer);
      windowTimer = undefined;
      setImmediate(flush);
    },
  };
}
