import type { Store } from '../store/index.ts';
import { DeliveryError } from './errors.ts';
import type { SharePointClient } from './graph/sharepoint-client.ts';

/**
 * Where files go: the configured site URL resolved to a site id, each library name to a drive id
 * (both cached in the store's meta table, so a restart does not ask again, and in memory, so a file
 * does not read the table, a cost every small file would pay; docs/performance.md, "Why the code is
 * shaped so", Delivery), folders known to exist, and each library's column names.
 *
 * When a cached id stops working (404), `forget()` drops the caches and the next call asks
 * Graph again.
 */
export class TargetResolver {
  readonly #siteUrl: string;
  readonly #store: Store;
  readonly #sharepoint: SharePointClient;
  readonly #knownFolders = new Set<string>();
  readonly #columns = new Map<string, Set<string>>();
  /** The ids read from or written to the meta table, by meta key. */
  readonly #ids = new Map<string, string>();
  /**
   * Lookups in flight, by meta key, with the signal they run under: a caller that needs the same
   * id joins one instead of sending its own request (delivery's warm-up at start and the first
   * items, docs/delivery.md "Connecting at start").
   */
  readonly #lookups = new Map<string, { promise: Promise<string>; signal: AbortSignal }>();

  constructor(options: { siteUrl: string; store: Store; sharepoint: SharePointClient }) {
    this.#siteUrl = options.siteUrl;
    this.#store = options.store;
    this.#sharepoint = options.sharepoint;
  }

  /** The site id (cached). */
  async siteId(signal: AbortSignal): Promise<string> {
    const key = `delivery.siteId:${this.#siteUrl}`;
    return this.#lookUp(key, signal, (lookupSignal) =>
      this.#sharepoint.getSiteId(this.#siteUrl, lookupSignal),
    );
  }

  /** The drive id of a library on the site (cached). */
  async driveId(library: string, signal: AbortSignal): Promise<string> {
    const key = `delivery.driveId:${this.#siteUrl}|${library.toLowerCase()}`;
    return this.#lookUp(key, signal, async (lookupSignal) =>
      this.#sharepoint.getDriveId(await this.siteId(lookupSignal), library, lookupSignal),
    );
  }

  /**
   * The cached id of `key`, or the lookup in flight for it, or a new lookup. A caller joining a
   * lookup shares its answer and its auth or configuration failure; after any other failure
   * (its caller gave up, SharePoint was down or throttling) it looks up anew under its own
   * signal, through the policies, which spare a throttled or broken service.
   */
  async #lookUp(
    key: string,
    signal: AbortSignal,
    lookup: (signal: AbortSignal) => Promise<string>,
  ): Promise<string> {
    const cached = this.#cachedId(key);
    if (cached) return cached;
    const running = this.#lookups.get(key);
    if (running) {
      try {
        return await abortable(running.promise, signal);
      } catch (error) {
        if (signal.aborted || (error instanceof DeliveryError && error.kind !== 'transient')) {
          throw error;
        }
      }
    }
    return this.#startLookup(key, signal, lookup);
  }

  async #startLookup(
    key: string,
    signal: AbortSignal,
    lookup: (signal: AbortSignal) => Promise<string>,
  ): Promise<string> {
    const promise = lookup(signal).then((id) => {
      this.#rememberId(key, id);
      return id;
    });
    const entry = { promise, signal };
    this.#lookups.set(key, entry);
    try {
      return await promise;
    } finally {
      if (this.#lookups.get(key) === entry) this.#lookups.delete(key);
    }
  }

  #cachedId(key: string): string | undefined {
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#store.getMeta(key) ?? '';
      if (id) this.#ids.set(key, id);
    }
    return id || undefined;
  }

  #rememberId(key: string, id: string): void {
    this.#store.setMeta(key, id);
    this.#ids.set(key, id);
  }

  /** Creates the folders of a library-relative folder path that do not exist yet. */
  async ensureFolder(driveId: string, folderPath: string, signal: AbortSignal): Promise<void> {
    const segments = folderPath.split('/').filter((segment) => segment !== '');
    if (segments.length === 0 || this.#knownFolders.has(`${driveId}/${segments.join('/')}`)) return;
    const existing = await this.#sharepoint.getItemByPath(driveId, segments.join('/'), signal);
    if (existing?.isFolder) {
      this.#rememberFolders(driveId, segments);
      return;
    }
    for (let index = 0; index < segments.length; index += 1) {
      const prefix = segments.slice(0, index + 1).join('/');
      if (this.#knownFolders.has(`${driveId}/${prefix}`)) continue;
      await this.#sharepoint.createFolder(
        driveId,
        segments.slice(0, index).join('/'),
        segments[index] ?? '',
        signal,
      );
      this.#knownFolders.add(`${driveId}/${prefix}`);
    }
  }

  /**
   * Checks that every configured column exists in the library, asking Graph again once when
   * one seems missing (it may just have been added).
   *
   * @throws DeliveryError (config.unknown-column) naming the column and the fix.
   */
  async checkColumns(
    driveId: string,
    columns: readonly string[],
    signal: AbortSignal,
  ): Promise<void> {
    if (columns.length === 0) return;
    let known = this.#columns.get(driveId);
    if (!known || columns.some((column) => !known?.has(column))) {
      known = new Set(await this.#sharepoint.listColumnNames(driveId, signal));
      this.#columns.set(driveId, known);
    }
    const missing = columns.filter((column) => !known.has(column));
    if (missing.length > 0) {
      throw new DeliveryError(
        `The library has no column ${missing.map((column) => `"${column}"`).join(', ')}: create ${missing.length === 1 ? 'it' : 'them'} in the library settings, or fix the column names (internal names) in the folder's target.columns, then press Retry`,
        { kind: 'config', code: 'config.unknown-column' },
      );
    }
  }

  /** Forgets cached ids, folders and columns (after a 404 that says they no longer hold). */
  forget(library: string): void {
    this.#lookups.clear();
    this.#rememberId(`delivery.siteId:${this.#siteUrl}`, '');
    this.#rememberId(`delivery.driveId:${this.#siteUrl}|${library.toLowerCase()}`, '');
    this.#knownFolders.clear();
    this.#columns.clear();
  }

  #rememberFolders(driveId: string, segments: readonly string[]): void {
    for (let index = 1; index <= segments.length; index += 1) {
      this.#knownFolders.add(`${driveId}/${segments.slice(0, index).join('/')}`);
    }
  }
}

/** `promise`, or the signal's reason as soon as it aborts (the promise runs on). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
