import { describe, expect, it } from 'vitest';
import { DisposableBase, toDisposable } from '../../../../../src/main/core/lifecycle/index.ts';

class Watcher extends DisposableBase {
  readonly log: string[] = [];
  #release: () => void = () => undefined;
  readonly #stopped = new Promise<void>((resolve) => (this.#release = resolve));

  constructor() {
    super();
    this.register(toDisposable(() => void this.log.push('timer closed')));
    this.register(toDisposable(() => void this.log.push('watcher closed')));
  }

  /** Lets onClose finish. */
  release(): void {
    this.#release();
  }

  /** Exposes register for the test of a late registration. */
  adopt(name: string): void {
    this.register(toDisposable(() => void this.log.push(`${name} closed`)));
  }

  protected override async onClose(): Promise<void> {
    this.log.push(`stopping (closed: ${this.isClosed})`);
    await this.#stopped;
    this.log.push('stopped');
  }
}

describe('DisposableBase', () => {
  it('closes once: onClose first, then what it registered, newest first; every caller waits', async () => {
    const watcher = new Watcher();
    const first = watcher.close();
    const second = watcher.close();
    expect(second).toBe(first);
    expect(watcher.log).toEqual(['stopping (closed: true)']);

    watcher.release();
    await Promise.all([first, second]);
    expect(watcher.log).toEqual([
      'stopping (closed: true)',
      'stopped',
      'watcher closed',
      'timer closed',
    ]);
  });

  it('closes at once what is registered after closing began', async () => {
    const watcher = new Watcher();
    watcher.release();
    await watcher.close();
    watcher.adopt('late socket');
    expect(watcher.log.at(-1)).toBe('late socket closed');
  });
});
