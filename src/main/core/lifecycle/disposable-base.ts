import { DisposableStore, type Disposable } from './disposable-store.ts';

/**
 * A base for anything that lives and owns what it creates, after VS Code's `Disposable` with its
 * `_register`: a subclass registers each thing it creates (timers, watchers, children) and says
 * in `onClose` what else closing means; `close()` runs once, however often it is called, and
 * every caller waits for the same close. What was registered closes after `onClose`, newest
 * first; something registered once closing began is closed at once.
 */
export abstract class DisposableBase implements Disposable {
  readonly #owned = new DisposableStore();
  #isClosed = false;
  #closing: Promise<void> | undefined;

  /** Whether close() has been called (true already while onClose runs). */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  close(): Promise<void> {
    if (!this.#closing) {
      this.#isClosed = true;
      this.#closing = this.#close();
    }
    return this.#closing;
  }

  /** Registers something this object owns, to be closed with it; returns it. */
  protected register<T extends Disposable>(item: T): T {
    return this.#owned.add(item);
  }

  /** What closing means besides closing what was registered (stop, then wait for work). */
  protected onClose(): void | Promise<void> {
    return undefined;
  }

  async #close(): Promise<void> {
    try {
      await this.onClose();
    } finally {
      await this.#owned.close();
    }
  }
}
