/**
 * The activity list's rows, as a bounded window of pages over the agent's items (smooth with
 * 100,000 items). The list knows every page it has scrolled through (its id range and its
 * number of rows: a few numbers each), but keeps the item views only of the pages near the
 * viewport; far pages are dropped and fetched again through the protocol's `listItems` cursor
 * (`beforeId`) when the person scrolls back. So memory and the work per page stay the same
 * whether 1,000 or 100,000 items were scrolled through.
 *
 * Pages are newest first, like `listItems`: page k holds the matching items with
 * `endId <= id < beforeId` (beforeId undefined: no upper bound; endId undefined: the last page).
 * Page k+1's `beforeId` is page k's `endId`, which is the cursor `listItems` returned for page k.
 * Pure TypeScript (no DOM, no React): unit-tested on Node.
 */
import { itemAfterEvent } from '../../feed/feed-state.ts';
import type { LoggedEvent } from '../../../shared/events.ts';
import type { ItemView } from '../../../shared/feed-protocol.ts';

/** One page of the window. */
export interface WindowPage {
  /** Exclusive upper bound of the page's ids (listItems' beforeId); undefined for the top. */
  beforeId: number | undefined;
  /** Inclusive lower bound: the next page's beforeId; undefined for the last page. */
  endId: number | undefined;
  /** Index of the page's first row in the list. */
  start: number;
  /** Rows in the page (known even while its items are dropped). */
  length: number;
  /** The page's items, newest first; undefined while dropped (or being fetched again). */
  items: ItemView[] | undefined;
}

/** What a row shows: the item, or nothing yet (its page is being fetched). */
export type WindowRow = { kind: 'item'; item: ItemView } | { kind: 'pending' } | { kind: 'end' };

/** The activity list's pages; mutable, with a version to re-render on. */
export class ItemWindow {
  /** Bumped on every change a row could show. */
  version = 0;
  readonly #pages: WindowPage[] = [];
  /** The beforeId of the next page to append; undefined before the first page, null at the end. */
  #nextCursor: number | null | undefined = undefined;
  readonly #maxPageSize: number;

  /** @param maxPageSize the most rows one page may hold (the protocol's limit). */
  constructor(maxPageSize: number) {
    this.#maxPageSize = maxPageSize;
  }

  /** Forgets everything (a new filter, or a fresh snapshot). */
  reset(): void {
    this.#pages.length = 0;
    this.#nextCursor = undefined;
    this.version += 1;
  }

  /** Rows loaded so far (dropped pages included). */
  get rowCount(): number {
    const last = this.#pages.at(-1);
    return last === undefined ? 0 : last.start + last.length;
  }

  /** True until the last page arrived. */
  get hasMore(): boolean {
    return this.#nextCursor !== null;
  }

  /** The `beforeId` to fetch the next page with (undefined: the first page); null at the end. */
  get nextCursor(): number | null | undefined {
    return this.#nextCursor;
  }

  /** The pages (read only; for tests and the fetch logic). */
  get pages(): readonly Readonly<WindowPage>[] {
    return this.#pages;
  }

  /** Item views held now: bounded by the window, not by the rows scrolled through. */
  get heldItemCount(): number {
    let count = 0;
    for (const page of this.#pages) count += page.items?.length ?? 0;
    return count;
  }

  /**
   * Appends the next page (fetched with `beforeId`); ignored unless `beforeId` is the expected
   * cursor (a reply that a reset or another reply overtook). Returns whether it was taken.
   */
  appendPage(beforeId: number | undefined, items: ItemView[], nextCursor: number | null): boolean {
    if (beforeId !== this.#nextCursor) return false;
    const endId = nextCursor ?? undefined;
    const inRange = items.filter((item) => isInRange(item.id, beforeId, endId));
    this.#pages.push({
      beforeId,
      endId,
      start: this.rowCount,
      length: inRange.length,
      items: inRange,
    });
    this.#nextCursor = nextCursor;
    this.version += 1;
    return true;
  }

  /**
   * Puts the items of a dropped page back (fetched again with its `beforeId`). Items that no
   * longer match the filter are gone from the reply, others may have come: the page takes what
   * its id range holds now, and the rows after it move. Returns whether a page took them.
   */
  fillPage(beforeId: number | undefined, items: ItemView[]): boolean {
    const index = this.#pages.findIndex((page) => page.beforeId === beforeId);
    const page = this.#pages[index];
    if (page === undefined || page.items !== undefined) return false;
    page.items = items.filter((item) => isInRange(item.id, page.beforeId, page.endId));
    if (page.items.length !== page.length) {
      page.length = page.items.length;
      this.#restart(index + 1);
    }
    this.version += 1;
    return true;
  }

  /** The row at `index`. */
  rowAt(index: number): WindowRow {
    const page = this.#pageAt(index);
    if (page === undefined) return { kind: 'end' };
    const item = page.items?.[index - page.start];
    return item === undefined ? { kind: 'pending' } : { kind: 'item', item };
  }

  /**
   * Drops the items of pages that lie more than `keepRows` rows away from the rows in view
   * (`first`..`last`). Returns how many pages it dropped.
   */
  dropFarPages(first: number, last: number, keepRows: number): number {
    let dropped = 0;
    for (const page of this.#pages) {
      if (page.items === undefined) continue;
      const isFar = page.start + page.length < first - keepRows || page.start > last + keepRows;
      if (isFar) {
        page.items = undefined;
        dropped += 1;
      }
    }
    return dropped;
  }

  /** The `beforeId`s of dropped pages within `marginRows` of the rows in view: fetch them. */
  droppedPagesNear(first: number, last: number, marginRows: number): (number | undefined)[] {
    const wanted: (number | undefined)[] = [];
    for (const page of this.#pages) {
      if (page.items !== undefined) continue;
      const isNear =
        page.start + page.length > first - marginRows && page.start <= last + marginRows;
      if (isNear) wanted.push(page.beforeId);
    }
    return wanted;
  }

  /**
   * Applies an item event to the row showing that item, when its page is held (other rows
   * learn it when their page is fetched again). Returns whether a row changed.
   */
  applyEvent(event: LoggedEvent): boolean {
    if (!('itemId' in event.data)) return false;
    const page = this.#pageOfId(event.data.itemId);
    if (page?.items === undefined) return false;
    const offset = findById(page.items, event.data.itemId);
    const known = page.items[offset];
    if (known === undefined || known.id !== event.data.itemId) return false;
    const next = itemAfterEvent(known, event);
    if (next === undefined) return false;
    page.items[offset] = next;
    this.version += 1;
    return true;
  }

  /**
   * A queued item that matches the filter and is newer than every row: it goes on top, into
   * the first page while that is held and not full, else into a new first page. Ignored before
   * the first page arrived (that page will hold it) and for an id the list already covers. While
   * the first page is dropped, only an item known to be new (`isNew`: intake saw it for the
   * first time) is added; another may already be in that page, which shows it once fetched.
   *
   * An item fetched before it could be shown (a file set aside as it was recorded) may be older
   * than items queued meanwhile: it takes its place by id among the first page's rows, if its id
   * falls in that page and is not there yet.
   */
  prepend(item: ItemView, isNew: boolean): boolean {
    const top = this.#pages[0];
    if (top === undefined) return false;
    if (top.items !== undefined) {
      const newestId = top.items[0]?.id;
      if (newestId !== undefined && item.id <= newestId)
        return this.#insertInTop(top, top.items, item);
    } else if (!isNew || (top.endId !== undefined && item.id < top.endId)) {
      return false;
    }
    if (top.items !== undefined && top.length < this.#maxPageSize) {
      top.items.unshift(item);
      top.length += 1;
    } else {
      top.beforeId = item.id;
      this.#pages.unshift({
        beforeId: undefined,
        endId: item.id,
        start: 0,
        length: 1,
        items: [item],
      });
    }
    this.#restart(1);
    this.version += 1;
    return true;
  }

  #insertInTop(top: WindowPage, items: ItemView[], item: ItemView): boolean {
    if (top.endId !== undefined && item.id < top.endId) return false;
    const at = items.findIndex((held) => held.id <= item.id);
    if (at !== -1 && items[at]!.id === item.id) return false;
    items.splice(at === -1 ? items.length : at, 0, item);
    top.length += 1;
    if (top.length > this.#maxPageSize) {
      // A page is fetched again with at most maxPageSize items: split it, so none is lost then.
      const older = items.splice(Math.ceil(items.length / 2));
      const splitId = items.at(-1)!.id;
      this.#pages.splice(1, 0, {
        beforeId: splitId,
        endId: top.endId,
        start: 0,
        length: older.length,
        items: older,
      });
      top.endId = splitId;
      top.length = items.length;
    }
    this.#restart(1);
    this.version += 1;
    return true;
  }

  #restart(fromIndex: number): void {
    for (let index = Math.max(1, fromIndex); index < this.#pages.length; index += 1) {
      const previous = this.#pages[index - 1]!;
      this.#pages[index]!.start = previous.start + previous.length;
    }
    if (this.#pages[0]) this.#pages[0].start = 0;
  }

  #pageAt(index: number): WindowPage | undefined {
    let low = 0;
    let high = this.#pages.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const page = this.#pages[middle]!;
      if (index < page.start) high = middle - 1;
      else if (index >= page.start + page.length) low = middle + 1;
      else return page;
    }
    return undefined;
  }

  #pageOfId(id: number): WindowPage | undefined {
    let low = 0;
    let high = this.#pages.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const page = this.#pages[middle]!;
      if (page.beforeId !== undefined && id >= page.beforeId) high = middle - 1;
      else if (page.endId !== undefined && id < page.endId) low = middle + 1;
      else return page;
    }
    return undefined;
  }
}

function isInRange(id: number, beforeId: number | undefined, endId: number | undefined): boolean {
  return (beforeId === undefined || id < beforeId) && (endId === undefined || id >= endId);
}

/** Index of `id` in items sorted by id, largest first (or where it would go). */
function findById(items: readonly ItemView[], id: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (items[middle]!.id > id) low = middle + 1;
    else high = middle;
  }
  return low;
}
