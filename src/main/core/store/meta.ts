import type { Database, Statement } from 'better-sqlite3';

/** Small persistent values by key (e.g. cached SharePoint ids). */
export class Meta {
  readonly #get: Statement;
  readonly #set: Statement;

  constructor(db: Database) {
    this.#get = db.prepare('SELECT value FROM meta WHERE key = ?');
    this.#set = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  /** The value stored under key, or undefined. */
  get(key: string): string | undefined {
    return (this.#get.get(key) as { value: string } | undefined)?.value;
  }

  /** Stores a value under key. */
  set(key: string, value: string): void {
    this.#set.run(key, value);
  }
}
