import type { Logger } from '../../logging/index.ts';
import type { Item } from '../../store/index.ts';

/** What a recorded file's log line names. */
type RecordedLine = { itemId: number; path: string; state: Item['state']; sizeBytes: number };

/**
 * The log lines of recorded files. A file recorded on its own gets its line ("File queued",
 * with its item id, path and size) as always. The files of a burst, recorded in the same
 * event-loop turn (they share one commit), get one line that counts them by state and names
 * the first and the last, and each file its own line at `debug`. A quarantined file always gets
 * a line of its own: it waits for someone to act.
 *
 * Why: a log line is a sizeable share of a burst file's work after its window (docs/performance.md,
 * "Why the code is shaped so", Logging), and 10,000 lines of one burst would push everything else
 * out of the size-capped log. Every file's history stays in the store's event log (the item page,
 * `sitedrop status`).
 */
export class RecordedFilesLog {
  readonly #logger: Logger;
  #first: RecordedLine | undefined;
  #lastPath = '';
  #count = 0;
  #totalBytes = 0;
  #countByState = new Map<Item['state'], number>();
  #isScheduled = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  add(item: Item): void {
    const line = {
      itemId: item.id,
      path: item.relativePath,
      state: item.state,
      sizeBytes: item.sizeBytes,
    };
    if (item.state === 'quarantined') {
      this.#logger.info(line, 'File set aside');
      return;
    }
    this.#logger.debug(line, `File ${line.state}`);
    this.#first ??= line;
    this.#lastPath = line.path;
    this.#count += 1;
    this.#totalBytes += line.sizeBytes;
    this.#countByState.set(line.state, (this.#countByState.get(line.state) ?? 0) + 1);
    if (this.#isScheduled) return;
    this.#isScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes the line of what was added since the last one (at once; also when closing). */
  flush(): void {
    this.#isScheduled = false;
    const first = this.#first;
    if (!first) return;
    if (this.#count === 1) {
      this.#logger.info(first, `File ${first.state}`);
    } else {
      const counts = Object.fromEntries(this.#countByState);
      const summary = [...this.#countByState].map(([state, n]) => `${n} ${state}`).join(', ');
      this.#logger.info(
        {
          files: this.#count,
          counts,
          sizeBytes: this.#totalBytes,
          firstPath: first.path,
          lastPath: this.#lastPath,
        },
        `${this.#count} files recorded: ${summary}`,
      );
    }
    this.#first = undefined;
    this.#count = 0;
    this.#totalBytes = 0;
    this.#countByState.clear();
  }
}
