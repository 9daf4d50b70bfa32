/**
 * How many files that came due are taken in one event-loop turn (and share one commit): a turn of
 * prepared small files stays well within the 50 ms the feed, which shares the thread, may wait, and
 * fewer per turn would mean more fsyncs in a burst (docs/performance.md, "Why the code is shaped
 * so", Intake).
 */
export const duePerTurn = 512;

/** What a turn does with each file that came due, and at its end. */
export interface DueTurnsOptions {
  /** Looks at one file whose wait ended; its promise, if any, is tracked by the caller. */
  onDue: (relativePath: string) => void;
  /** Runs at the end of every turn, before the next one is scheduled. */
  onTurnEnd: () => void;
  /** Whether intake closed: a closed folder takes nothing more. */
  isClosed: () => boolean;
}

/**
 * The files whose wait ended, taken `duePerTurn` at a time, one event-loop turn each. The files of
 * a burst come due in the same timer phase: so the thread (which the feed shares) is never held
 * for the whole burst, and each turn's records share one group commit.
 */
export class DueTurns {
  readonly #options: DueTurnsOptions;
  readonly #due = new Set<string>();
  #isScheduled = false;

  constructor(options: DueTurnsOptions) {
    this.#options = options;
  }

  /** A file's wait ended: it is looked at in the next turn that has room. */
  add(relativePath: string): void {
    this.#due.add(relativePath);
    this.#schedule();
  }

  /** Forgets every file that came due and was not looked at yet. */
  clear(): void {
    this.#due.clear();
  }

  #schedule(): void {
    if (this.#isScheduled) return;
    this.#isScheduled = true;
    setImmediate(() => this.#takeTurn());
  }

  #takeTurn(): void {
    this.#isScheduled = false;
    if (this.#options.isClosed()) return;
    let count = 0;
    for (const relativePath of this.#due) {
      this.#due.delete(relativePath);
      this.#options.onDue(relativePath);
      count += 1;
      if (count === duePerTurn) break;
    }
    // Before the next turn is scheduled, so that this turn's records join the commit scheduled
    // first, and commit before the next turn's (which would otherwise join it: twice the files
    // per commit, and their events held back a turn longer, which doubles the feed's delay).
    this.#options.onTurnEnd();
    if (this.#due.size > 0) this.#schedule();
  }
}
