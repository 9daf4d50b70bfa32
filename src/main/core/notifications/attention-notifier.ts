import type { EventBus } from '../events/index.ts';
import {
  DisposableStore,
  type Clock,
  type Disposable,
  type TimerHandle,
} from '../lifecycle/index.ts';
import type { Notifier } from '../platform.ts';

/** What the notifier needs. */
export interface AttentionNotifierOptions {
  bus: EventBus;
  clock: Clock;
  notifier: Notifier;
  /** Read at each event and at each notification: settings may change while running. */
  isEnabled(): boolean;
  /** The file's name for an item, for a notification about one file. */
  describeItem(itemId: number): string | undefined;
  /** Events within this many milliseconds of the first are one notification. Default 5000. */
  batchWindowMs?: number;
  /** At least this many milliseconds between two notifications. Default 60000. */
  minIntervalMs?: number;
}

interface Pending {
  itemId: number;
  kind: 'failed' | 'quarantined';
  reason: string;
}

/**
 * Turns `item.failed` and `item.quarantined` events into desktop notifications, batched, and a
 * refused sign-in (`account.sign-in-required`) into one notification of its own. Batching: the
 * first event opens a window, everything until it closes is one notification ("12 files need
 * you"), and notifications are at least `minIntervalMs` apart, so a burst of failures never
 * becomes a burst of notifications.
 */
export class AttentionNotifier implements Disposable {
  readonly #options: AttentionNotifierOptions;
  readonly #owned = new DisposableStore();
  #pending: Pending[] = [];
  #timer: TimerHandle | undefined;
  #lastNotifiedAt: number | undefined;

  constructor(options: AttentionNotifierOptions) {
    this.#options = options;
    this.#owned.add(
      options.bus.onDid('item.failed', (event) =>
        this.#add({ itemId: event.data.itemId, kind: 'failed', reason: event.data.errorMessage }),
      ),
    );
    this.#owned.add(
      options.bus.onDid('item.quarantined', (event) =>
        this.#add({ itemId: event.data.itemId, kind: 'quarantined', reason: event.data.reason }),
      ),
    );
    this.#owned.add(
      options.bus.onDid('account.sign-in-required', (event) => this.#notifySignInRequired(event)),
    );
    this.#owned.add({ close: () => this.#timer?.close() });
  }

  /**
   * One notification when the sign-in is refused (the event is recorded once per refusal): it
   * is not batched with files, since every file waits on it.
   */
  #notifySignInRequired(event: { data: { username: string | null } }): void {
    if (this.#owned.isClosed || !this.#options.isEnabled()) return;
    const who = event.data.username ? ` as ${event.data.username}` : '';
    this.#options.notifier.notify(
      'Sign in again',
      `SiteDrop cannot deliver until someone signs in${who} with Microsoft again. Files wait in the queue. Open SiteDrop and choose Sign in.`,
    );
  }

  /** Stops listening and drops what was not shown yet; idempotent. */
  close(): Promise<void> {
    this.#pending = [];
    return this.#owned.close();
  }

  #add(pending: Pending): void {
    if (this.#owned.isClosed || !this.#options.isEnabled()) return;
    this.#pending.push(pending);
    if (this.#timer) return;
    const { clock } = this.#options;
    const windowMs = this.#options.batchWindowMs ?? 5_000;
    const minIntervalMs = this.#options.minIntervalMs ?? 60_000;
    const earliestAt =
      this.#lastNotifiedAt === undefined ? 0 : this.#lastNotifiedAt + minIntervalMs;
    const delayMs = Math.max(windowMs, earliestAt - clock.monotonicNow());
    this.#timer = clock.setTimeout(() => this.#flush(), delayMs);
  }

  #flush(): void {
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0 || this.#owned.isClosed || !this.#options.isEnabled()) return;
    this.#lastNotifiedAt = this.#options.clock.monotonicNow();
    const { title, body } = summarize(batch, (itemId) => this.#options.describeItem(itemId));
    this.#options.notifier.notify(title, body);
  }
}

function summarize(
  batch: readonly Pending[],
  describeItem: (itemId: number) => string | undefined,
): { title: string; body: string } {
  // One item may fail twice within a window (a retry by a person that failed again).
  const latest = new Map(batch.map((pending) => [pending.itemId, pending]));
  const items = [...latest.values()];
  const [only] = items;
  if (items.length === 1 && only) {
    const name = describeItem(only.itemId) ?? `Item #${only.itemId}`;
    return only.kind === 'failed'
      ? { title: 'A file could not be delivered', body: `${name}: ${only.reason}` }
      : { title: 'A file was set aside', body: `${name}: ${only.reason}` };
  }
  const failed = items.filter((pending) => pending.kind === 'failed').length;
  const quarantined = items.length - failed;
  const parts = [
    failed > 0 ? `${failed} could not be delivered` : undefined,
    quarantined > 0 ? `${quarantined} ${quarantined === 1 ? 'was' : 'were'} set aside` : undefined,
  ].filter((part) => part !== undefined);
  return {
    title: `${items.length} files need you`,
    body: `${parts.join(', ')}. Open SiteDrop to see why and retry.`,
  };
}
