import type { Config } from '../../../shared/config-schema.ts';
import type { RemoteFiles } from '../delivery/index.ts';
import type { Clock, Disposable, TimerHandle } from '../lifecycle/index.ts';
import type { Logger } from '../logging/index.ts';
import type { ResponseRecord, Store } from '../store/index.ts';
import { bringResponse, type ResponseMapping } from './download-response.ts';
import { findRequestIdOf, requestIdOfColumnValue } from './link-request.ts';
import { resolveResponseMappings } from './mappings.ts';
import { removeFinishedPartials } from './partial-file.ts';
import { pollMapping } from './poll-mapping.ts';

/** What startResponses needs: the agent's parts. */
export interface ResponsesOptions {
  config: Config;
  store: Store;
  logger: Logger;
  clock: Clock;
  /** SharePoint's side, from the delivery running now (undefined while none is configured). */
  remoteFiles: () => RemoteFiles | undefined;
  /** The home folder the default responses folder is under (tests give their own). */
  home?: string;
  /** Random source for the polling jitter, in [0, 1). */
  random?: () => number;
  /** Bytes written between syncs of a partial file (default 8 MiB). */
  syncEveryBytes?: number;
}

/** The running return channel. */
export interface Responses extends Disposable {
  /** Checks every mapping for changes now and brings what is pending; resolves when done. */
  checkNow(): Promise<void>;
  /** Stops polling, aborts a download under way (it resumes at the next start). Idempotent. */
  close(): Promise<void>;
}

const defaultSyncEveryBytes = 8 * 1024 * 1024;

/**
 * Starts the return channel: every `responses.pollIntervalMs` (±10 % jitter, so site offices do
 * not ask SharePoint in step), and at once on checkNow, each mapping's changes are recorded in the
 * inbox, then its pending responses are brought one at a time. A check under way absorbs another
 * request for one: it runs once more when it ends. Nothing runs while no mapping is on.
 */
export function startResponses(options: ResponsesOptions): Responses {
  const runner = new ResponsesRunner(options);
  runner.schedule(0);
  return runner;
}

class ResponsesRunner implements Responses {
  readonly #options: ResponsesOptions;
  readonly #mappings: ResponseMapping[];
  readonly #controller = new AbortController();
  #timer: TimerHandle | undefined;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  #isClosed = false;

  constructor(options: ResponsesOptions) {
    this.#options = options;
    this.#mappings = resolveResponseMappings(options.config, options.home);
  }

  schedule(delayMs: number): void {
    if (this.#isClosed || this.#mappings.length === 0) return;
    this.#timer?.close();
    this.#timer = this.#options.clock.setTimeout(() => void this.checkNow(), delayMs);
  }

  checkNow(): Promise<void> {
    if (this.#isClosed) return Promise.resolve();
    if (this.#running) {
      this.#next ??= this.#running.then(() => {
        this.#next = undefined;
        return this.checkNow();
      });
      return this.#next;
    }
    this.#running = this.#check().finally(() => {
      this.#running = undefined;
      const intervalMs = this.#options.config.responses.pollIntervalMs;
      const jitter = 0.9 + 0.2 * (this.#options.random ?? Math.random)();
      this.schedule(Math.round(intervalMs * jitter));
    });
    return this.#running;
  }

  async #check(): Promise<void> {
    const remote = this.#options.remoteFiles();
    if (!remote) return;
    for (const mapping of this.#mappings) {
      if (this.#controller.signal.aborted) return;
      try {
        await pollMapping(mapping, { ...this.#parts(remote) });
      } catch (error) {
        if (this.#controller.signal.aborted) return;
        this.#options.logger.warn(
          { mappingId: mapping.mappingId, error: describe(error) },
          'Could not ask SharePoint for new responses; SiteDrop tries at the next check',
        );
      }
      await this.#bringPending(mapping, remote);
    }
  }

  async #bringPending(mapping: ResponseMapping, remote: RemoteFiles): Promise<void> {
    const pending = this.#options.store.responses
      .listPending()
      .filter((response: ResponseRecord) => response.mappingId === mapping.mappingId);
    const { config, store } = this.#options;
    await this.#removeFinishedPartials(mapping);
    for (const response of pending) {
      if (this.#controller.signal.aborted) return;
      try {
        await bringResponse(response, mapping, {
          ...this.#parts(remote),
          minimumFreeBytes: config.responses.minimumFreeBytes,
          syncEveryBytes: this.#options.syncEveryBytes ?? defaultSyncEveryBytes,
          findRequestId: (name, localPath) => findRequestIdOf(store, name, localPath),
          requestIdOfColumn: (value) => requestIdOfColumnValue(store, value),
        });
      } catch (error) {
        if (this.#controller.signal.aborted) return;
        // SharePoint unreachable, throttling, the breaker open: the rest waits for the next check.
        this.#options.logger.warn(
          { responseId: response.id, error: describe(error) },
          'A response could not be brought now; SiteDrop resumes it at the next check',
        );
        return;
      }
    }
  }

  async #removeFinishedPartials(mapping: ResponseMapping): Promise<void> {
    const { store, logger } = this.#options;
    try {
      await removeFinishedPartials(mapping.localFolder, (responseId) => {
        const state = store.responses.get(responseId)?.state;
        return state === 'ready' || state === 'skipped';
      });
    } catch (error) {
      // A folder that cannot be read now fails the download too, which says why with a sentence.
      logger.warn(
        { mappingId: mapping.mappingId, error: describe(error) },
        'Could not tidy the responses folder of finished downloads; SiteDrop tries at the next check',
      );
    }
  }

  #parts(remote: RemoteFiles) {
    const { store, logger } = this.#options;
    return { store, remote, logger, signal: this.#controller.signal };
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#timer?.close();
    this.#controller.abort();
    await this.#running?.catch(() => undefined);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
