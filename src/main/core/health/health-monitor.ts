import type { ItemState } from '../../../shared/item-state.ts';
import { overallHealth, type OverallHealth } from '../../../shared/overall-health.ts';
import type { EventBus } from '../events/index.ts';
import { DelayedRun, DisposableStore, type Clock, type Disposable } from '../lifecycle/index.ts';

/** What the monitor reads. */
export interface HealthMonitorOptions {
  /** Item counts by state (the store's countsByState). */
  countItems(): Partial<Record<ItemState, number>>;
  bus: EventBus;
  clock: Clock;
  /** Bursts of item events within this many milliseconds cause one recount. Default 250. */
  debounceMs?: number;
  /** Whether all delivery is paused when the monitor starts (from the feed's snapshot). */
  isPaused?: boolean;
}

/**
 * Follows the bus and recomputes the overall health; listeners hear only real changes.
 *
 * Item events are coalesced (a burst of a thousand files is one recount, not a thousand);
 * pause, breaker and folder events apply at once.
 */
export class HealthMonitor implements Disposable {
  readonly #options: HealthMonitorOptions;
  readonly #owned = new DisposableStore();
  readonly #listeners = new Set<(health: OverallHealth) => void>();
  readonly #unavailableFolderIds = new Set<string>();
  #isPaused = false;
  #isSignInRequired = false;
  #breaker: 'closed' | 'open' | 'half-open' = 'closed';
  #counts: Partial<Record<ItemState, number>>;
  #health: OverallHealth;
  readonly #recount: DelayedRun;

  constructor(options: HealthMonitorOptions) {
    this.#options = options;
    this.#isPaused = options.isPaused ?? false;
    this.#counts = options.countItems();
    this.#health = this.#compute();
    this.#recount = this.#owned.add(
      new DelayedRun(options.clock, options.debounceMs ?? 250, () => {
        this.#counts = this.#options.countItems();
        this.#update();
      }),
    );
    this.#owned.add(
      options.bus.onDidAny((event) => {
        if (event.seq === undefined) return;
        switch (event.type) {
          case 'delivery.paused':
          case 'delivery.resumed':
            if (event.data.folderId === null) this.#isPaused = event.type === 'delivery.paused';
            return this.#update();
          case 'connection.changed':
            this.#breaker = event.data.breaker;
            return this.#update();
          case 'account.sign-in-required':
          case 'account.signed-in':
          case 'account.signed-out':
            this.#isSignInRequired = event.type === 'account.sign-in-required';
            return this.#update();
          case 'folder.available':
            this.#unavailableFolderIds.delete(event.data.folderId);
            return this.#update();
          case 'folder.unavailable':
            this.#unavailableFolderIds.add(event.data.folderId);
            return this.#update();
          default:
            if (event.type.startsWith('item.')) this.#recount.schedule();
        }
      }),
    );
  }

  /** The health now. */
  current(): OverallHealth {
    return this.#health;
  }

  /** Whether someone must sign in again (delegated sign-in refused): "Needs attention: sign in again". */
  isSignInRequired(): boolean {
    return this.#isSignInRequired;
  }

  /** Whether all delivery is paused (a paused single folder does not count). */
  isPaused(): boolean {
    return this.#isPaused;
  }

  /** Calls listener with each new health (never twice with the same one in a row). */
  onDidChange(listener: (health: OverallHealth) => void): Disposable {
    this.#listeners.add(listener);
    return { close: () => void this.#listeners.delete(listener) };
  }

  /** Stops listening; idempotent. */
  close(): Promise<void> {
    this.#listeners.clear();
    return this.#owned.close();
  }

  #update(): void {
    const health = this.#compute();
    if (health === this.#health) return;
    this.#health = health;
    for (const listener of [...this.#listeners]) listener(health);
  }

  #compute(): OverallHealth {
    return overallHealth({
      counts: this.#counts,
      isPaused: this.#isPaused,
      breaker: this.#breaker,
      unavailableFolderCount: this.#unavailableFolderIds.size,
      isSignInRequired: this.#isSignInRequired,
    });
  }
}
