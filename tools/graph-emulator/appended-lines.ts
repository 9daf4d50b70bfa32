/**
 * Lines appended to a file together once the current turn ends, so a burst of changes costs one
 * write; a failed append is kept and reported by close() rather than lost in a timer.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

export class AppendedLines {
  readonly #file: string;
  readonly #createsDirectory: boolean;
  #pending: string[] = [];
  #flushing: Promise<void> | undefined;
  #failure: unknown;

  /** `createsDirectory`: make the file's folder before each append (else the owner makes it). */
  constructor(file: string, options: { createsDirectory: boolean }) {
    this.#file = file;
    this.#createsDirectory = options.createsDirectory;
  }

  /** Queue one line (with its newline); written after the current turn. */
  push(text: string): void {
    this.#pending.push(text);
    this.#flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.#flush(),
    );
  }

  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const text = this.#pending.join('');
      this.#pending = [];
      try {
        if (this.#createsDirectory) await mkdir(path.dirname(this.#file), { recursive: true });
        await appendFile(this.#file, text);
      } catch (error) {
        this.#failure ??= error;
      }
    }
    this.#flushing = undefined;
  }

  /** Write what is pending; rejects if any append failed. */
  async close(): Promise<void> {
    await this.#flushing;
    if (this.#pending.length > 0) await this.#flush();
    if (this.#failure !== undefined) throw this.#failure;
  }
}
