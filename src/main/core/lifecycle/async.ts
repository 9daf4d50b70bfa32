/**
 * Small helpers for work that must not overlap, after VS Code's src/vs/base/common/async.ts: each
 * replaces a hand-written "share the run under way", "run once more if asked" or "one after
 * another" chain. None of them catches an error: a caller of a run that fails gets the failure.
 */

/**
 * Single-flight: while a run is under way, asking again shares it instead of starting another.
 * Once it settles, the next ask starts a new run.
 */
export class SingleFlight<T> {
  #running: Promise<T> | undefined;

  /** Whether a run is under way. */
  get isRunning(): boolean {
    return this.#running !== undefined;
  }

  /** Starts `task`, or returns the run under way (whose task was given earlier). */
  run(task: () => Promise<T>): Promise<T> {
    if (this.#running) return this.#running;
    const running = task().finally(() => {
      if (this.#running === running) this.#running = undefined;
    });
    this.#running = running;
    return running;
  }

  /** Resolves when the run under way (if any) has settled, whether it failed or not. */
  async settled(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }
}

/**
 * Runs at most one task at a time and at most one more after it: asked while a run is under way,
 * the latest task given runs once when that run ends, and every caller asking meanwhile shares
 * that next run. So a caller's promise settles after a run that started after it asked.
 */
export class Throttler {
  #active: Promise<void> | undefined;
  #queued: { task: () => Promise<void>; promise: Promise<void> } | undefined;

  /** Whether a run is under way or waiting. */
  get isBusy(): boolean {
    return this.#active !== undefined;
  }

  queue(task: () => Promise<void>): Promise<void> {
    if (!this.#active) {
      this.#active = this.#start(task);
      return this.#active;
    }
    if (this.#queued) {
      this.#queued.task = task;
      return this.#queued.promise;
    }
    const active = this.#active;
    const queued: { task: () => Promise<void>; promise: Promise<void> } = {
      task,
      promise: active
        .catch(() => undefined)
        .then(() => {
          this.#queued = undefined;
          const run = this.#start(queued.task);
          this.#active = run;
          return run;
        }),
    };
    this.#queued = queued;
    return queued.promise;
  }

  /** Resolves when nothing runs or waits any more, whether the runs failed or not. */
  async settled(): Promise<void> {
    while (this.#active) await this.#active.catch(() => undefined);
  }

  #start(task: () => Promise<void>): Promise<void> {
    const run: Promise<void> = Promise.resolve()
      .then(task)
      .finally(() => {
        if (this.#active === run && !this.#queued) this.#active = undefined;
      });
    return run;
  }
}

/**
 * Runs tasks one after another, in the order given: each starts once the one before settled,
 * failed or not, and each caller gets its own task's result.
 */
export class Sequencer {
  #last: Promise<unknown> = Promise.resolve();

  queue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#last.catch(() => undefined).then(task);
    this.#last = run;
    return run;
  }

  /** Resolves when every task queued so far has settled, whether it failed or not. */
  async settled(): Promise<void> {
    let last: Promise<unknown>;
    do {
      last = this.#last;
      await last.catch(() => undefined);
    } while (last !== this.#last);
  }
}
