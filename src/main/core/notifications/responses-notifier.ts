import type { EventData } from '../../../shared/events.ts';
import type { EventBus } from '../events/index.ts';
import {
  DisposableStore,
  type Clock,
  type Disposable,
  type TimerHandle,
} from '../lifecycle/index.ts';
import type { Notifier } from '../platform.ts';

/** What the responses notifier needs. */
export interface ResponsesNotifierOptions {
  bus: EventBus;
  clock: Clock;
  notifier: Notifier;
  /** Read at each event and at each notification: settings may change while running. */
  isEnabled(): boolean;
  /** Responses ready within this many milliseconds of the first are one notification. */
  batchWindowMs?: number;
}

type ReadyResponse = EventData<'response.ready'>;

/**
 * Turns `response.ready` events into desktop notifications, batched: the first response opens a
 * window, and every response ready until it closes is one notification ("Response ready for
 * REQ-77", or "3 responses ready"). It also counts the responses that arrived since a person
 * last looked (`markSeen`), for the tray.
 */
export class ResponsesNotifier implements Disposable {
  readonly #options: ResponsesNotifierOptions;
  readonly #owned = new DisposableStore();
  readonly #countListeners = new Set<(count: number) => void>();
  #batch: ReadyResponse[] = [];
  #timer: TimerHandle | undefined;
  #unseenCount = 0;

  constructor(options: ResponsesNotifierOptions) {
    this.#options = options;
    this.#owned.add(options.bus.onDid('response.ready', (event) => this.#add(event.data)));
    this.#owned.add({ close: () => this.#timer?.close() });
  }

  /** Responses that arrived since the person last looked. */
  get unseenCount(): number {
    return this.#unseenCount;
  }

  /** Calls back with the new count whenever it changes. */
  onDidChangeUnseenCount(listener: (count: number) => void): Disposable {
    this.#countListeners.add(listener);
    return { close: async () => void this.#countListeners.delete(listener) };
  }

  /** The person looked (the window was shown): nothing is unseen any more. */
  markSeen(): void {
    if (this.#unseenCount === 0) return;
    this.#setUnseen(0);
  }

  /** Stops listening and drops what was not shown yet; idempotent. */
  close(): Promise<void> {
    this.#batch = [];
    return this.#owned.close();
  }

  #add(ready: ReadyResponse): void {
    if (this.#owned.isClosed) return;
    this.#setUnseen(this.#unseenCount + 1);
    if (!this.#options.isEnabled()) return;
    this.#batch.push(ready);
    this.#timer ??= this.#options.clock.setTimeout(
      () => this.#flush(),
      this.#options.batchWindowMs ?? defaultBatchWindowMs,
    );
  }

  #flush(): void {
    this.#timer = undefined;
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length === 0 || this.#owned.isClosed || !this.#options.isEnabled()) return;
    const { title, body } = summarizeResponses(batch);
    this.#options.notifier.notify(title, body);
  }

  #setUnseen(count: number): void {
    this.#unseenCount = count;
    for (const listener of this.#countListeners) listener(count);
  }
}

const defaultBatchWindowMs = 5_000;

/** "Response ready for REQ-77" for one, "3 responses ready" for several. */
export function summarizeResponses(batch: readonly ReadyResponse[]): {
  title: string;
  body: string;
} {
  const [only] = batch;
  const fileName = (ready: ReadyResponse) => ready.localPath.split(/[\\/]/).at(-1) ?? '';
  if (batch.length === 1 && only) {
    return {
      title: only.requestId ? `Response ready for ${only.requestId}` : 'A response is ready',
      body: `${fileName(only)} is in your responses folder. Open SiteDrop to see it.`,
    };
  }
  const requestIds = [
    ...new Set(batch.flatMap((ready) => (ready.requestId ? [ready.requestId] : []))),
  ];
  return {
    title: `${batch.length} responses ready`,
    body: `${requestIds.length > 0 ? `For ${requestIds.join(', ')}. ` : ''}They are in your responses folder. Open SiteDrop to see them.`,
  };
}
