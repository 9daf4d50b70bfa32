// Which changes one delta page reports. A round reports, for each item in the scope, its latest
// state at or before the round's end (driveitem-delta.md: "The delta feed shows the latest state
// for each item, not each change"), ordered by change-journal position so that pages can resume
// after the last position reported however the drive changes meanwhile: an item that changes
// during a round leaves it and is reported by the next one. Parent folders come before what
// changed below them, unless the client sends `deltaExcludeParent` (driveitem-delta.md, Request
// headers), so a folder may appear more than once in a round, as the page allows.

import type { DriveStore, ItemRecord } from '../drive-store.ts';
import type { Tombstone } from './change-log.ts';

/** One item a delta page reports: its current state, or that it left the scope. */
export type DeltaEntry =
  | { readonly kind: 'live'; readonly sequence: number; readonly item: ItemRecord }
  | { readonly kind: 'deleted'; readonly sequence: number; readonly tombstone: Tombstone };

/** The part of a round one page covers. */
export interface PageRequest {
  /** -1: an enumeration (no deletions reported). */
  readonly since: number;
  readonly upTo: number;
  /** The last position reported on earlier pages of the round. */
  readonly after: number;
  /**
   * Report items again, as the service may (fault `repeatDeltaItems`): what the page before
   * reported, from `previousAfter` on; on a round's first page, its own items a second time.
   */
  readonly repeat?: { readonly previousAfter: number | undefined };
  readonly top: number;
  readonly includeParents: boolean;
}

/** A page of entries and the position it ends at (undefined: the round is complete). */
export interface DeltaPageEntries {
  readonly entries: readonly DeltaEntry[];
  readonly nextAfter: number | undefined;
}

/** The entries of one page of a round over `scope` (a folder of `store`, or its root). */
export function readDeltaPage(
  store: DriveStore,
  scope: ItemRecord,
  request: PageRequest,
): DeltaPageEntries {
  const round = roundEntries(store, scope, request.since, request.upTo);
  const remaining = round.filter((entry) => entry.sequence > request.after);
  const own = remaining.slice(0, request.top);
  let page = own;
  const previousAfter = request.repeat?.previousAfter;
  if (request.repeat && previousAfter === undefined) page = [...own, ...own];
  else if (previousAfter !== undefined) {
    const previous = round.filter(
      (entry) => entry.sequence > previousAfter && entry.sequence <= request.after,
    );
    page = [...previous, ...own];
  }
  const last = own[own.length - 1];
  const nextAfter = own.length < remaining.length && last ? last.sequence : undefined;
  return {
    entries: request.includeParents ? withParents(store, scope, page, request.since) : page,
    nextAfter,
  };
}

/** Every entry of a round, by position. */
function roundEntries(
  store: DriveStore,
  scope: ItemRecord,
  since: number,
  upTo: number,
): DeltaEntry[] {
  const latest = new Map<string, DeltaEntry>();
  const visit = (item: ItemRecord): void => {
    if (item.changeSequence <= upTo) {
      latest.set(item.id, { kind: 'live', sequence: item.changeSequence, item });
    }
    for (const child of item.children.values()) visit(child);
  };
  visit(scope);
  // An enumeration describes what is there; a client without a token has nothing to delete.
  if (since >= 0) {
    const isScopeRoot = scope.parent === undefined;
    for (const id of store.changes.tombstonedIds()) {
      const tombstone = store.changes
        .tombstonesOf(id)
        .filter(
          (candidate) =>
            candidate.sequence <= upTo && (isScopeRoot || candidate.ancestorIds.includes(scope.id)),
        )
        .at(-1);
      const current = latest.get(id);
      if (tombstone && (!current || current.sequence < tombstone.sequence)) {
        latest.set(id, { kind: 'deleted', sequence: tombstone.sequence, tombstone });
      }
    }
  }
  return [...latest.values()]
    .filter((entry) => entry.sequence > since)
    .sort((a, b) => a.sequence - b.sequence);
}

/**
 * Put before each entry the folders above it, up to the scope, that the client has not been
 * given in this round before it: folders unchanged since the round's start, and folders changed
 * later than the entry (reported again at their own position).
 */
function withParents(
  store: DriveStore,
  scope: ItemRecord,
  page: readonly DeltaEntry[],
  since: number,
): DeltaEntry[] {
  const result: DeltaEntry[] = [];
  const onPage = new Set<string>();
  for (const entry of page) {
    const parents: ItemRecord[] = [];
    let parent = entry.kind === 'live' ? entry.item.parent : store.get(entry.tombstone.parentId);
    while (parent && isWithin(parent, scope)) {
      const isReportedEarlier =
        parent.changeSequence > since && parent.changeSequence < entry.sequence;
      if (!isReportedEarlier && !onPage.has(parent.id)) parents.unshift(parent);
      if (parent === scope) break;
      parent = parent.parent;
    }
    for (const folder of parents) {
      onPage.add(folder.id);
      result.push({ kind: 'live', sequence: folder.changeSequence, item: folder });
    }
    const id = entry.kind === 'live' ? entry.item.id : entry.tombstone.id;
    onPage.add(id);
    result.push(entry);
  }
  return result;
}

/** Whether `item` is `folder` or below it. */
function isWithin(item: ItemRecord, folder: ItemRecord): boolean {
  for (let current: ItemRecord | undefined = item; current; current = current.parent) {
    if (current === folder) return true;
  }
  return false;
}
