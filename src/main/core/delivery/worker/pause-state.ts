import type { AgentEvent } from '../../../../shared/events.ts';
import type { Logger } from '../../logging/index.ts';
import type { Store } from '../../store/index.ts';

/** What a person paused: all delivery, and/or single folders. */
export interface DeliveryPauseState {
  isPausedAll: boolean;
  pausedFolderIds: string[];
}

/** The store meta key under which the pause state is kept across restarts. */
const pauseStateMetaKey = 'delivery.pauseState';

/**
 * What a person paused, kept in the store's meta table with its event in one transaction, so
 * that a restart keeps a pause.
 */
export class PauseState {
  readonly #store: Store;
  readonly #pausedFolders = new Set<string>();
  #isPausedAll = false;

  /** Reads the saved state; a damaged one is logged and delivery starts unpaused. */
  constructor(store: Store, logger: Logger) {
    this.#store = store;
    this.#restore(logger);
  }

  /** Whether all delivery is paused. */
  get isPausedAll(): boolean {
    return this.#isPausedAll;
  }

  /** The folders paused one by one. */
  get pausedFolderIds(): readonly string[] {
    return [...this.#pausedFolders];
  }

  /** Whether one folder's items wait (by itself; see isPausedAll for the whole). */
  isFolderPaused(folderId: string): boolean {
    return this.#pausedFolders.has(folderId);
  }

  /** Pauses one folder (null: every folder) and records `delivery.paused`. */
  pause(folderId: string | null): void {
    if (folderId === null) this.#isPausedAll = true;
    else this.#pausedFolders.add(folderId);
    this.#save({ type: 'delivery.paused', data: { folderId } });
  }

  /** Resumes one folder (null: everything) and records `delivery.resumed`. */
  resume(folderId: string | null): void {
    if (folderId === null) {
      this.#isPausedAll = false;
      this.#pausedFolders.clear();
    } else {
      this.#pausedFolders.delete(folderId);
    }
    this.#save({ type: 'delivery.resumed', data: { folderId } });
  }

  /** What is paused now, as the feed shows it. */
  snapshot(): DeliveryPauseState {
    return { isPausedAll: this.#isPausedAll, pausedFolderIds: [...this.#pausedFolders] };
  }

  /** Writes the pause state and its event in one transaction. */
  #save(event: Extract<AgentEvent, { type: 'delivery.paused' | 'delivery.resumed' }>): void {
    const store = this.#store;
    store.transaction(() => {
      store.setMeta(pauseStateMetaKey, JSON.stringify(this.snapshot()));
      store.appendEvent(event);
    });
  }

  #restore(logger: Logger): void {
    const saved = this.#store.getMeta(pauseStateMetaKey);
    if (!saved) return;
    try {
      const state = JSON.parse(saved) as Partial<DeliveryPauseState>;
      this.#isPausedAll = state.isPausedAll === true;
      for (const folderId of state.pausedFolderIds ?? []) {
        if (typeof folderId === 'string') this.#pausedFolders.add(folderId);
      }
    } catch (error) {
      // A damaged value must not keep delivery paused forever: start unpaused, and say so.
      logger.warn({ err: error }, 'The saved pause state was unreadable; delivery starts unpaused');
    }
  }
}
