/** Something that can be closed; close() is idempotent and terminal. */
export interface Disposable {
  close(): void | Promise<void>;
}

/** Wraps a close function so it runs at most once. */
export function toDisposable(close: () => void | Promise<void>): Disposable {
  let isClosed = false;
  return {
    close() {
      if (isClosed) return;
      isClosed = true;
      return close();
    },
  };
}

/**
 * Holds what an owner created and closes it all, newest first.
 *
 * Adding to a store that is already closed closes the newcomer at once, so nothing escapes.
 */
export class DisposableStore implements Disposable {
  readonly #items: Disposable[] = [];
  #closing: Promise<void> | undefined;

  /** Registers a disposable and returns it, for `const x = store.add(create())`. */
  add<T extends Disposable>(item: T): T {
    if (this.#closing) {
      void item.close();
    } else {
      this.#items.push(item);
    }
    return item;
  }

  /** Whether close() has been called. */
  get isClosed(): boolean {
    return this.#closing !== undefined;
  }

  /** Closes everything in reverse order of registration; errors are collected and rethrown. */
  close(): Promise<void> {
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  async #closeAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const item of this.#items.splice(0).reverse()) {
      try {
        await item.close();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'Several resources failed to close');
  }
}
