// What a library remembers of its items across restarts (ids, list item ids, eTag and cTag
// versions, times, fileSystemInfo, column values), so that a restarted emulator serves the same
// item with the same id and eTag, as SharePoint does. One JSON line per change, appended in
// batches to `<rootDir>/.graph-emulator-state/<library>.items.jsonl`, keyed by the item's path on
// disk; read and rewritten compactly at start. The bytes stay plain files: the journal only
// describes them, and a file changed on disk behind the emulator's back gets new versions.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { AppendedLines } from './appended-lines.ts';
import path from 'node:path';
import type { ItemRecord } from './drive-store.ts';

/** One item as the journal keeps it. */
export interface JournaledItem {
  readonly id: string;
  readonly listItemId: number;
  readonly version: number;
  readonly contentVersion: number;
  /** Position of its last change in the drive's change journal (absent in older journals). */
  readonly changeSequence?: number;
  readonly createdAt: number;
  readonly modifiedAt: number;
  /** Files: the quickXorHash the versions belong to (a different file on disk is a change). */
  readonly quickXorHash: string;
  readonly fileSystemInfo?: { readonly createdAt?: number; readonly modifiedAt?: number };
  readonly fields?: Readonly<Record<string, string | number | boolean>>;
}

interface JournalLine {
  /** The item's path on disk below the library, '/'-separated. */
  readonly path: string;
  /** Null: the item is gone. */
  readonly item: JournaledItem | null;
}

/** A library's journal: read once at start, appended to after every change. */
export class ItemJournal {
  readonly #file: string;
  readonly #items: Map<string, JournaledItem>;
  readonly #lines: AppendedLines;
  /** The ids in the journal as read at start (built on first use). */
  #ids: Set<string> | undefined;

  private constructor(file: string, items: Map<string, JournaledItem>) {
    this.#file = file;
    this.#lines = new AppendedLines(file, { createsDirectory: false });
    this.#items = items;
  }

  /** Read a library's journal (empty when there is none yet). */
  static async open(stateDirectory: string, libraryName: string): Promise<ItemJournal> {
    const file = path.join(stateDirectory, `${libraryName}.items.jsonl`);
    const items = new Map<string, JournaledItem>();
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let entry: JournalLine;
      try {
        entry = JSON.parse(line) as JournalLine;
      } catch {
        continue; // A line cut short by a crash: the changes before it still count.
      }
      if (entry.item === null) items.delete(entry.path);
      else items.set(entry.path, entry.item);
    }
    return new ItemJournal(file, items);
  }

  /** Whether the journal gives `id` to an item (so a new item must not take it). */
  knowsId(id: string): boolean {
    this.#ids ??= new Set([...this.#items.values()].map((item) => item.id));
    return this.#ids.has(id);
  }

  /** The largest list item id the journal knows (0 when none): new items get larger ones. */
  largestListItemId(): number {
    let largest = 0;
    for (const item of this.#items.values()) largest = Math.max(largest, item.listItemId);
    return largest;
  }

  /** The largest change-journal position the journal knows (0 when none). */
  largestChangeSequence(): number {
    let largest = 0;
    for (const item of this.#items.values()) largest = Math.max(largest, item.changeSequence ?? 0);
    return largest;
  }

  /** Every item the journal knew when the emulator last ran, by path on disk. */
  recalledItems(): ReadonlyMap<string, JournaledItem> {
    return this.#items;
  }

  /** What the journal knew of the item at `diskPath` when the emulator last ran. */
  recalled(diskPath: string): JournaledItem | undefined {
    return this.#items.get(diskPath);
  }

  /** Rewrite the journal as exactly `items` (after the start-up scan), dropping history. */
  async rewrite(items: ReadonlyMap<string, JournaledItem>): Promise<void> {
    await mkdir(path.dirname(this.#file), { recursive: true });
    const text = [...items].map(([itemPath, item]) => line({ path: itemPath, item })).join('');
    const temporary = `${this.#file}.tmp`;
    await writeFile(temporary, text);
    await rename(temporary, this.#file);
  }

  /** Record a change (null: gone). Lines are appended together once the current turn ends. */
  record(diskPath: string, item: JournaledItem | null): void {
    this.#lines.push(line({ path: diskPath, item }));
  }

  /** Write what is pending; rejects if any append failed. */
  close(): Promise<void> {
    return this.#lines.close();
  }
}

/** What the journal keeps of an item. */
export function journaledItemOf(record: ItemRecord): JournaledItem {
  return {
    id: record.id,
    listItemId: record.listItemId,
    version: record.version,
    contentVersion: record.contentVersion,
    changeSequence: record.changeSequence,
    createdAt: record.createdAt,
    modifiedAt: record.modifiedAt,
    quickXorHash: record.quickXorHash,
    ...(record.fileSystemInfo === undefined ? {} : { fileSystemInfo: record.fileSystemInfo }),
    ...(record.fields.size === 0 ? {} : { fields: Object.fromEntries(record.fields) }),
  };
}

function line(entry: JournalLine): string {
  return `${JSON.stringify(entry)}\n`;
}
