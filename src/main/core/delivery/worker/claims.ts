import type { Config, FolderConfig } from '../../../../shared/config-schema.ts';
import type { Logger } from '../../logging/index.ts';
import type { Item, Store } from '../../store/index.ts';
import { isAwaitingHash } from '../hash-check.ts';
import { restartedEvent } from '../outcomes/index.ts';

/** A claimed item moved to uploading, with its folder and the attempt row it started. */
export interface Claim {
  item: Item;
  folder: FolderConfig;
  attemptId: number;
}

/** What Claims reads and writes. */
export interface ClaimsOptions {
  config: Config;
  store: Store;
  logger: Logger;
  /** This worker's name on its claims in the outbox. */
  owner: string;
}

/**
 * The worker's claims in the store's outbox: taking due items and starting their attempts,
 * giving them back, and remembering claims the store could not give back (e.g. a full disk) to
 * give them back later.
 */
export class Claims {
  readonly #options: ClaimsOptions;
  readonly #unknownFolders = new Set<string>();
  /** Claims the store could not give back: tried again on every pump. */
  readonly #unreleased = new Set<number>();

  constructor(options: ClaimsOptions) {
    this.#options = options;
  }

  /** Folders whose items are no longer configured: left queued until they are again. */
  get unknownFolderIds(): readonly string[] {
    return [...this.#unknownFolders];
  }

  /**
   * Inside the claim's transaction: claims up to `count` due items outside `excludedFolders` and
   * starts an attempt for each. Items already in flight, or of a folder no longer configured,
   * are given back at once.
   */
  claimDue(
    count: number,
    excludedFolders: readonly string[],
    isInFlight: (itemId: number) => boolean,
  ): Claim[] {
    const { store, config, logger, owner } = this.#options;
    const claims: Claim[] = [];
    for (const item of store.claimDeliveries(owner, excludedFolders, count)) {
      const folder = config.folders.find((candidate) => candidate.id === item.folderId);
      if (isInFlight(item.id) || !folder) {
        store.releaseClaim(item.id, owner);
        if (!folder && !this.#unknownFolders.has(item.folderId)) {
          this.#unknownFolders.add(item.folderId);
          logger.warn(
            { folderId: item.folderId },
            'Items of a folder that is no longer configured stay queued until it is configured again',
          );
        }
        continue;
      }
      try {
        claims.push(store.transaction(() => this.#startAttempt(item, folder)));
      } catch (error) {
        // The row is not in a state delivery can start from (changed by another writer): give
        // the claim back so the next pump sees the truth; the failure is in the log.
        logger.error({ err: error, itemId: item.id }, 'Could not start a delivery attempt');
        store.releaseClaim(item.id, owner);
      }
    }
    return claims;
  }

  /**
   * Puts claimed items back in the queue. Claims that committed after close() began keep their
   * attempt, ended as interrupted; items claimed ahead and never sent (`isUnsent`) count no
   * attempt: their attempt row goes and their attempt count is what it was before the claim.
   */
  giveBack(claims: readonly Claim[], options: { isUnsent?: boolean } = {}): void {
    const { store, logger } = this.#options;
    for (const { item, attemptId } of claims) {
      try {
        store.transaction(() => {
          if (options.isUnsent) {
            store.transitionItem(item.id, 'queued', restartedEvent(item), {
              attempts: Math.max(0, item.attempts - 1),
            });
            store.discardAttempt(attemptId);
            return;
          }
          store.transitionItem(item.id, 'queued', restartedEvent(item));
          store.finishAttempt(attemptId, {
            outcome: 'interrupted',
            httpStatus: null,
            errorCode: null,
            errorMessage: null,
          });
        });
      } catch (error) {
        // The next start's recovery puts an item left uploading back in the queue.
        logger.error(
          { err: error, itemId: item.id },
          'Could not give a claimed item back to the queue; the next start will',
        );
      }
    }
  }

  /**
   * Gives a claim back to the outbox; returns false when the store failed. A store error here
   * (a full disk, a locked file) must not escape from a failure or cleanup path: the claim is
   * remembered and given back by retryReleases, so the item is tried again without a restart
   * once the store works (and a restart's recovery releases every claim anyway).
   */
  release(itemId: number): boolean {
    const { store, logger, owner } = this.#options;
    try {
      store.releaseClaim(itemId, owner);
      this.#unreleased.delete(itemId);
      return true;
    } catch (error) {
      if (!this.#unreleased.has(itemId)) {
        logger.error(
          { err: error, itemId },
          'Could not give a claimed item back to the queue; trying again shortly',
        );
      }
      this.#unreleased.add(itemId);
      return false;
    }
  }

  /** Gives back the claims release() could not, except items in flight; false if one failed. */
  retryReleases(isInFlight: (itemId: number) => boolean): boolean {
    let isDone = true;
    for (const itemId of this.#unreleased) {
      if (!isInFlight(itemId) && !this.release(itemId)) isDone = false;
    }
    return isDone;
  }

  /** Moves a claimed item to uploading with a new attempt row, in the caller's transaction. */
  #startAttempt(claimed: Item, folder: FolderConfig): Claim {
    const { store } = this.#options;
    let item = claimed;
    if (item.state === 'uploading' || item.state === 'verifying') {
      // Left in flight by a process that stopped: start this attempt from the queue.
      item = store.transitionItem(item.id, 'queued', restartedEvent(item));
    }
    const attempt = item.attempts + 1;
    if (item.state === 'retrying' && isAwaitingHash(item)) {
      // Uploaded already: this attempt only reads the file's hash again (hash-check.ts).
      const verifying = store.transitionItem(
        item.id,
        'verifying',
        {},
        { attempts: attempt, nextAttemptAt: null },
      );
      return { item: verifying, folder, attemptId: store.startAttempt(verifying.id) };
    }
    const uploading = store.transitionItem(
      item.id,
      'uploading',
      { attempt },
      { attempts: attempt, nextAttemptAt: null },
    );
    return { item: uploading, folder, attemptId: store.startAttempt(uploading.id) };
  }
}
