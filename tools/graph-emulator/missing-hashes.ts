// Files whose driveItem leaves out file.hashes.quickXorHash: Graph documents that "in some cases
// hash values may not be available" (resources/hashes.md), and a 0-byte file has been seen
// without one. Set in process (emulator.missingHashes), like fault rules.

import type { DriveStore, ItemRecord } from './drive-store.ts';

/** Which files come without a quickXorHash, and for how many reads. */
export interface MissingHashRule {
  /**
   * Matched against the file's path in its library ('Incoming/a.pdf'): a string when the path
   * contains it, a RegExp when it tests true. Default: every file.
   */
  path?: string | RegExp;
  /** Only files of exactly this size (0: empty files). */
  sizeBytes?: number;
  /**
   * How many renderings of each matching file leave the hash out (an upload's response, a GET,
   * a children listing each count as one); after them it is there. Default: every one.
   */
  reads?: number;
}

/** The rules of every drive of one emulator, and how often each file was read under them. */
export class MissingHashes {
  readonly #rules: MissingHashRule[] = [];
  readonly #reads = new WeakMap<ItemRecord, number>();

  /** Add a rule. */
  add(rule: MissingHashRule): void {
    this.#rules.push({ ...rule });
  }

  /** Remove every rule (files read since keep their counts, unused). */
  clear(): void {
    this.#rules.length = 0;
  }

  /** Whether this rendering of a file shows its quickXorHash; counts it as one read. */
  isShown(store: DriveStore, item: ItemRecord): boolean {
    if (this.#rules.length === 0 || item.isFolder) return true;
    const relativePath = store.relativePath(item);
    const rule = this.#rules.find((candidate) => matches(candidate, relativePath, item.size));
    if (!rule) return true;
    const reads = (this.#reads.get(item) ?? 0) + 1;
    this.#reads.set(item, reads);
    return rule.reads !== undefined && reads > rule.reads;
  }
}

function matches(rule: MissingHashRule, relativePath: string, sizeBytes: number): boolean {
  if (rule.sizeBytes !== undefined && rule.sizeBytes !== sizeBytes) return false;
  if (typeof rule.path === 'string') return relativePath.includes(rule.path);
  if (rule.path instanceof RegExp) {
    rule.path.lastIndex = 0;
    return rule.path.test(relativePath);
  }
  return true;
}

const byDrive = new WeakMap<DriveStore, MissingHashes>();

/** Makes a drive's renderings follow an emulator's missing-hash rules. */
export function attachMissingHashes(store: DriveStore, missingHashes: MissingHashes): void {
  byDrive.set(store, missingHashes);
}

/** Whether this rendering of a file shows its quickXorHash (see MissingHashes.isShown). */
export function isQuickXorHashShown(store: DriveStore, item: ItemRecord): boolean {
  return byDrive.get(store)?.isShown(store, item) ?? true;
}
