// A library's change journal for delta queries: one monotonic sequence per drive, stamped on an
// item at every change that delta reports, and a tombstone for every item deleted (or moved out
// of a folder) so that delta can report it with the `deleted` facet. Together with each item's
// stamp (kept by item-journal.ts) it survives restarts, so a client's deltaLink stays good across
// them, as SharePoint's does. Kept in `<rootDir>/.graph-emulator-state/<library>.changes.jsonl`.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppendedLines } from '../appended-lines.ts';
import type { ItemRecord } from '../drive-records.ts';

/** What delta still knows of an item after it left a place (deleted, or moved away). */
export interface Tombstone {
  readonly id: string;
  /** The sequence of the deletion or move. */
  readonly sequence: number;
  readonly parentId: string;
  /** Ids of the folders it was below when it left, nearest first, up to the library's root. */
  readonly ancestorIds: readonly string[];
  readonly isFolder: boolean;
  readonly size: number;
  readonly version: number;
  readonly createdAt: number;
  readonly modifiedAt: number;
}

/**
 * The codes a 410 resync names (driveitem-delta.md): the client replaces its items with the
 * service's, or uploads what the service lacks, keeping both copies when unsure.
 */
export type ResyncCode = 'resyncChangesApplyDifferences' | 'resyncChangesUploadDifferences';

/** One line of the changes file. */
type ChangeLine =
  { readonly tombstone: Tombstone } | { readonly generation: number; readonly code: ResyncCode };

/** The change journal of one library. */
export class DriveChangeLog {
  readonly #file: string;
  #sequence = 0;
  #generation = 0;
  #resyncCode: ResyncCode = 'resyncChangesApplyDifferences';
  readonly #tombstones = new Map<string, Tombstone[]>();
  readonly #lines: AppendedLines;
  /** When this journal was opened, and the sequence it stood at then (see sequenceAt). */
  #openedAtMs = Date.now();
  #sequenceAtOpen = 0;
  /** Each sequence handed out since, with when: ascending in both. */
  readonly #stamps: { sequence: number; atMs: number }[] = [];

  private constructor(file: string) {
    this.#file = file;
    this.#lines = new AppendedLines(file, { createsDirectory: true });
  }

  /** Read a library's change journal (empty when there is none yet). */
  static async open(stateDirectory: string, libraryName: string): Promise<DriveChangeLog> {
    const log = new DriveChangeLog(path.join(stateDirectory, `${libraryName}.changes.jsonl`));
    let text = '';
    try {
      text = await readFile(log.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let entry: ChangeLine;
      try {
        entry = JSON.parse(line) as ChangeLine;
      } catch {
        continue; // A line cut short by a crash: the lines before it still count.
      }
      if ('generation' in entry) {
        log.#generation = Math.max(log.#generation, entry.generation);
        log.#resyncCode = entry.code;
      } else log.#keep(entry.tombstone);
    }
    return log;
  }

  /**
   * The position a timestamp token stands for (driveitem-delta.md, query parameter `token`: on
   * OneDrive for Business and SharePoint a URL-encoded timestamp asks for the changes since that
   * time): the last sequence handed out at or before `timeMs`. Changes are timed only since this
   * journal was opened, so a time before that answers -1, a full enumeration: more than was
   * asked, never less.
   */
  sequenceAt(timeMs: number): number {
    if (timeMs < this.#openedAtMs) return -1;
    let sequence = this.#sequenceAtOpen;
    for (const stamp of this.#stamps) {
      if (stamp.atMs > timeMs) break;
      sequence = stamp.sequence;
    }
    return sequence;
  }

  /** Start timing changes: what the journal and the item journal recalled is behind it. */
  markOpened(): void {
    this.#openedAtMs = Date.now();
    this.#sequenceAtOpen = this.#sequence;
  }

  /** The last sequence handed out: the position a deltaLink issued now stands at. */
  get latest(): number {
    return this.#sequence;
  }

  /** Tokens issued before the current generation answer 410 (see invalidateTokens). */
  get generation(): number {
    return this.#generation;
  }

  /** The code a token of an older generation is refused with. */
  get resyncCode(): ResyncCode {
    return this.#resyncCode;
  }

  /** Raise the sequence to at least `sequence` (what the item journal recalls at start). */
  observe(sequence: number): void {
    this.#sequence = Math.max(this.#sequence, sequence);
  }

  /** Stamp an item with the next sequence: delta reports its current state from now on. */
  changed(item: ItemRecord): void {
    this.#sequence += 1;
    item.changeSequence = this.#sequence;
    this.#stamp();
  }

  /**
   * Record that an item left its place: deleted (everything below a deleted folder too, children
   * first, so a client empties a folder before it removes it), or moved, where a folder-scoped
   * delta it left reports it deleted.
   */
  left(item: ItemRecord, options: { withDescendants: boolean }): void {
    if (options.withDescendants) {
      for (const child of item.children.values()) this.left(child, options);
    }
    const ancestorIds: string[] = [];
    for (let current = item.parent; current; current = current.parent) ancestorIds.push(current.id);
    this.#sequence += 1;
    this.#add({
      id: item.id,
      sequence: this.#sequence,
      parentId: item.parent?.id ?? '',
      ancestorIds,
      isFolder: item.isFolder,
      size: item.size,
      version: item.version + 1,
      createdAt: item.createdAt,
      modifiedAt: Date.now(),
    });
  }

  /** Record a deletion found at start: a journaled item whose file was gone. */
  vanished(tombstone: Omit<Tombstone, 'sequence'>): void {
    this.#sequence += 1;
    this.#add({ ...tombstone, sequence: this.#sequence });
  }

  /** The tombstones of an id, oldest first. */
  tombstonesOf(id: string): readonly Tombstone[] {
    return this.#tombstones.get(id) ?? [];
  }

  /** Every id with a tombstone. */
  tombstonedIds(): IterableIterator<string> {
    return this.#tombstones.keys();
  }

  /**
   * Make every delta token issued so far answer 410 Gone (driveitem-delta.md: "if server state
   * has changed and a new token is required").
   */
  invalidateTokens(code: ResyncCode = 'resyncChangesApplyDifferences'): void {
    this.#generation += 1;
    this.#resyncCode = code;
    this.#write({ generation: this.#generation, code });
  }

  #add(tombstone: Tombstone): void {
    this.#keep(tombstone);
    this.#write({ tombstone });
    this.#stamp();
  }

  #stamp(): void {
    this.#stamps.push({ sequence: this.#sequence, atMs: Date.now() });
  }

  #keep(tombstone: Tombstone): void {
    const list = this.#tombstones.get(tombstone.id) ?? [];
    list.push(tombstone);
    this.#tombstones.set(tombstone.id, list);
    this.observe(tombstone.sequence);
  }

  #write(entry: ChangeLine): void {
    this.#lines.push(`${JSON.stringify(entry)}\n`);
  }

  /** Write what is pending; rejects if any append failed. */
  close(): Promise<void> {
    return this.#lines.close();
  }
}
