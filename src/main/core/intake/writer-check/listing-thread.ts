import { Worker } from 'node:worker_threads';
import type { ListingAnswer, ListingRequest } from './proc-fd-listing-worker.ts';
import { listOpenFilesAsync, type OpenFileLinks } from './proc-fd-listing.ts';

/** The worker's module beside this one, in the form this one runs as (`.ts` from source, `.js` built). */
const workerUrl = new URL(
  `./proc-fd-listing-worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`,
  import.meta.url,
);

/**
 * Takes listings of every process's open files on a worker thread, so that the agent's event
 * loop gets one message per listing and never the completions of ~1,000 readlink calls, which
 * arrive between file events and delay them. One thread serves the check for its lifetime; it
 * is started with the check, so the first listing does not also pay for the thread's start.
 *
 * Where the thread cannot start or dies (a packaging that cannot load its module, a resource
 * limit), listings fall back to asynchronous reads on the event loop, which cost latency but
 * lose nothing.
 */
export class ListingThread {
  readonly #procRoot: string;
  #worker: Worker | undefined;
  /** Listings asked of the thread, answered in order. */
  #waiting: { resolve: (links: OpenFileLinks | undefined) => void }[] = [];
  #isClosed = false;

  /** `moduleUrl`: the worker's module; tests pass one that cannot load. */
  constructor(procRoot: string, moduleUrl: URL = workerUrl) {
    this.#procRoot = procRoot;
    try {
      const worker = new Worker(moduleUrl);
      worker.unref();
      worker.on('message', (answer: ListingAnswer) => this.#answer(new Map(answer)));
      worker.on('error', () => this.#abandon());
      worker.on('exit', () => this.#abandon());
      this.#worker = worker;
    } catch {
      this.#worker = undefined;
    }
  }

  /** Whether listings run on the thread (false once it failed; then they run on the loop). */
  get isRunning(): boolean {
    return this.#worker !== undefined;
  }

  /** One listing. Never rejects; `isCancelled` stops a listing that falls back to the loop. */
  async list(isCancelled: () => boolean): Promise<OpenFileLinks> {
    const worker = this.#worker;
    if (worker !== undefined && !this.#isClosed) {
      const links = await new Promise<OpenFileLinks | undefined>((resolve) => {
        this.#waiting.push({ resolve });
        // Held while a listing is asked for, so a caller awaiting only this gets its answer.
        worker.ref();
        worker.postMessage({ procRoot: this.#procRoot } satisfies ListingRequest);
      });
      if (links !== undefined) return links;
    }
    return listOpenFilesAsync(this.#procRoot, () => this.#isClosed || isCancelled());
  }

  close(): void {
    this.#isClosed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    void worker?.terminate();
    this.#settleAll(undefined);
  }

  #answer(links: OpenFileLinks): void {
    this.#waiting.shift()?.resolve(links);
    if (this.#waiting.length === 0) this.#worker?.unref();
  }

  /** The thread failed or exited: what it was asked falls back to listing on the loop. */
  #abandon(): void {
    this.#worker = undefined;
    this.#settleAll(undefined);
  }

  #settleAll(links: OpenFileLinks | undefined): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const { resolve } of waiting) resolve(links);
  }
}
