/**
 * What the UI knows about the agent, kept current from the feed: counts by state, folders,
 * the SharePoint connection, pauses, the items seen so far, upload progress and throughput.
 *
 * Interiors trust: everything arriving here was parsed by FeedConnection. Counts move with each
 * item event whose previous state is known; when it is not (an item this page never loaded, or
 * one it forgot), the state asks for a fresh snapshot and re-applies the events that came after
 * it, so the numbers never drift. Memory is bounded for a page left open for months: the agent's
 * store is the source of truth, and the page keeps only the items it heard of most recently.
 * Pure TypeScript: no DOM, so it is unit-tested on Node.
 */
import { itemStateAfterEvent, type LoggedEvent } from '../../shared/events.ts';
import type {
  ConnectionView,
  DeliveryView,
  FolderView,
  ItemView,
  Snapshot,
  StateCounts,
} from '../../shared/feed-protocol.ts';
import type { ItemState } from '../../shared/item-state.ts';
import { newItemView } from './new-item-view.ts';
import { TransferMeter, type BatchProgress } from './transfer-meter.ts';

/** Upload progress of one item, as the latest `progress` message said. */
export interface ItemProgress {
  sentBytes: number;
  totalBytes: number;
}

/** One item event as list views see it: the item after the event, when known. */
export interface ItemChange {
  event: LoggedEvent;
  item: ItemView | undefined;
}

interface CountDelta {
  seq: number;
  folderId: string;
  /** Null for an item that did not exist before. */
  from: ItemState | null;
  to: ItemState;
}

const maxRememberedDeltas = 5_000;
const throughputWindowMs = 60_000;

/**
 * Items the page remembers, the least recently changed forgotten first: enough for every item
 * a burst keeps in flight, about 5 MB of views at most.
 */
export const maxRememberedItems = 20_000;

/**
 * The most item changes kept for the snapshot's page (takeSnapshotPage); past it, the page is
 * dropped and the list fetches its first page instead.
 */
const maxChangesSinceSnapshot = 5_000;

/**
 * The snapshot's newest items (a first page of the list without filters, with its cursor), and
 * every item change applied since the snapshot, in order.
 */
export interface SnapshotPage {
  items: ItemView[];
  nextCursor: number | null;
  changes: ItemChange[];
}

/** How many of the newest items `recentItemIds` holds (a snapshot's worth). */
export const maxRecentItemIds = 100;

/** The UI's live picture of the agent. */
export class FeedState {
  /** Bumped on every change; what React subscribes to. */
  version = 0;
  /** False until the first snapshot arrived. */
  hasSnapshot = false;
  counts: StateCounts | undefined;
  folders: FolderView[] = [];
  connection: ConnectionView | undefined;
  delivery: DeliveryView = { isPaused: false, pausedFolderIds: [] };
  /** The newest items, newest first (from the snapshot, then every newly queued item). */
  recentItemIds: number[] = [];
  /**
   * The items this page heard of lately, by id, least recently changed first: at most
   * maxRememberedItems. Views hold their own rows; this is what events are applied to.
   */
  readonly items = new Map<number, ItemView>();
  readonly progress = new Map<number, ItemProgress>();
  /** Time (epoch ms) of each delivery in the last minute. */
  readonly #recentDeliveries: { at: number }[] = [];
  readonly #transfer = new TransferMeter();
  readonly #deltas: CountDelta[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #itemListeners = new Set<(change: ItemChange) => void>();
  readonly #resetListeners = new Set<() => void>();
  readonly #settingsListeners = new Set<() => void>();
  readonly #accountListeners = new Set<() => void>();
  readonly #responseListeners = new Set<() => void>();
  readonly #requestResync: () => void;
  #snapshotPage: SnapshotPage | undefined;

  /** @param requestResync asks the agent for a snapshot, to be given to `applyResync`. */
  constructor(requestResync: () => void) {
    this.#requestResync = requestResync;
  }

  /** Subscribes to any change (for useSyncExternalStore); returns the unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Calls back for every item event, after it was applied. */
  onDidChangeItem(listener: (change: ItemChange) => void): () => void {
    this.#itemListeners.add(listener);
    return () => this.#itemListeners.delete(listener);
  }

  /** Calls back when a fresh snapshot replaced everything: lists must reload. */
  onDidReset(listener: () => void): () => void {
    this.#resetListeners.add(listener);
    return () => this.#resetListeners.delete(listener);
  }

  /** Calls back when the agent's settings changed. */
  onDidChangeSettings(listener: () => void): () => void {
    this.#settingsListeners.add(listener);
    return () => this.#settingsListeners.delete(listener);
  }

  /** Calls back when something happened to the signed-in account (account.* events). */
  onDidChangeAccount(listener: () => void): () => void {
    this.#accountListeners.add(listener);
    return () => this.#accountListeners.delete(listener);
  }

  /** Calls back when a response was found, moved on, arrived or failed (response.* events). */
  onDidChangeResponses(listener: () => void): () => void {
    this.#responseListeners.add(listener);
    return () => this.#responseListeners.delete(listener);
  }

  /** A snapshot from the connection (first connect, or too far behind): replaces everything. */
  applySnapshot(snapshot: Snapshot): void {
    this.hasSnapshot = true;
    this.counts = { ...snapshot.counts };
    this.folders = snapshot.folders.map((folder) => ({ ...folder, counts: { ...folder.counts } }));
    this.connection = snapshot.connection;
    this.delivery = snapshot.delivery;
    this.#deltas.length = 0;
    this.progress.clear();
    this.#transfer.reset();
    for (const item of snapshot.items) this.#remember(item);
    this.recentItemIds = snapshot.items.slice(0, maxRecentItemIds).map((item) => item.id);
    this.#snapshotPage = { items: snapshot.items, nextCursor: snapshot.nextCursor, changes: [] };
    this.#changed();
    for (const listener of this.#resetListeners) listener();
  }

  /**
   * The last snapshot's newest items as the first page of the list without filters, with the
   * item changes since to apply to them; once per snapshot (undefined after, or when too much
   * changed since). The activity list paints its first rows from it, without waiting for a
   * listItems round trip (tests/e2e/activity-100k.measure.spec.ts measures the first paint).
   */
  takeSnapshotPage(): SnapshotPage | undefined {
    const page = this.#snapshotPage;
    this.#snapshotPage = undefined;
    return page;
  }

  /**
   * A snapshot asked for while events kept flowing (a getSnapshot reply): takes its counts and
   * folders, then re-applies the count changes of events after its seq.
   */
  applyResync(snapshot: Snapshot): void {
    this.counts = { ...snapshot.counts };
    this.folders = snapshot.folders.map((folder) => ({ ...folder, counts: { ...folder.counts } }));
    this.connection = snapshot.connection;
    this.delivery = snapshot.delivery;
    for (const delta of this.#deltas) {
      if (delta.seq > snapshot.seq) this.#applyDelta(delta);
    }
    for (const item of snapshot.items) {
      if (!this.items.has(item.id)) this.#remember(item);
    }
    this.#changed();
  }

  /** Stores an item fetched by a view (getItem, listItems) so events can update it. */
  rememberItem(item: ItemView): void {
    const known = this.items.get(item.id);
    if (known === undefined || known.updatedAt <= item.updatedAt) {
      this.#remember(item);
      return;
    }
    // The live copy is newer, but it may have been built from events, which do not carry what
    // intake recorded (hashes, request metadata, target path): those come from the fetched view.
    this.#remember({
      ...known,
      sha256: known.sha256 ?? item.sha256,
      quickXorHash: known.quickXorHash ?? item.quickXorHash,
      request: known.request ?? item.request,
      targetPath: known.targetPath ?? item.targetPath,
    });
  }

  /** Applies one logged event (in seq order). */
  applyEvent(event: LoggedEvent): void {
    switch (event.type) {
      case 'folder.available':
      case 'folder.unavailable':
        this.folders = this.folders.map((folder) =>
          folder.id === event.data.folderId
            ? {
                ...folder,
                health: {
                  status: event.type === 'folder.available' ? 'available' : 'unavailable',
                  reason: event.type === 'folder.unavailable' ? event.data.reason : null,
                  changedAt: event.at,
                },
              }
            : folder,
        );
        break;
      case 'connection.changed':
        this.connection = {
          isConfigured: this.connection?.isConfigured ?? true,
          status:
            event.data.status ??
            (event.data.breaker === 'open'
              ? 'paused-by-breaker'
              : (this.connection?.status ?? 'unknown')),
          breaker: event.data.breaker,
          nextProbeAt: event.data.nextProbeAt,
          detail: event.data.detail,
          changedAt: event.at,
          waitingFor: event.data.waitingFor ?? null,
        };
        // Events logged by an older agent do not carry the status word: ask for it.
        if (event.data.status === undefined) this.#requestResync();
        break;
      case 'delivery.paused':
      case 'delivery.resumed':
        this.#applyPause(event.data.folderId, event.type === 'delivery.paused');
        break;
      case 'settings.changed':
        this.#requestResync();
        for (const listener of this.#settingsListeners) listener();
        break;
      case 'account.signed-in':
      case 'account.signed-out':
      case 'account.sign-in-required':
      case 'account.sign-in-failed':
        for (const listener of this.#accountListeners) listener();
        break;
      case 'response.detected':
      case 'response.downloading':
      case 'response.verifying':
      case 'response.ready':
      case 'response.failed':
      case 'response.skipped':
        for (const listener of this.#responseListeners) listener();
        break;
      case 'agent.started':
      case 'agent.stopped':
      case 'database.recovered':
      case 'item.progress':
        break;
      default:
        this.#applyItemEvent(event);
    }
    this.#changed();
  }

  /**
   * Applies transient upload progress (`atMs`: when the agent reported it); ignored once the
   * item moved past uploading.
   */
  applyProgress(itemId: number, sentBytes: number, totalBytes: number, atMs: number): void {
    const item = this.items.get(itemId);
    if (item !== undefined && item.state !== 'uploading') return;
    this.progress.set(itemId, { sentBytes, totalBytes });
    this.#transfer.noteProgress(itemId, sentBytes, totalBytes, atMs);
    this.#changed();
  }

  /**
   * Files delivered in the last minute, and the bytes per second that upload progress showed
   * moving in the last few seconds (transfer-meter.ts), as this page saw them.
   */
  throughput(nowMs: number): { deliveredLastMinute: number; bytesPerSecond: number } {
    this.#forgetDeliveriesBefore(nowMs - throughputWindowMs);
    return {
      deliveredLastMinute: this.#recentDeliveries.length,
      bytesPerSecond: this.#transfer.bytesPerSecond(nowMs),
    };
  }

  /** How far the files on their way have come (undefined: none is on its way). */
  batchProgress(): BatchProgress | undefined {
    return this.#transfer.batch();
  }

  /**
   * The page lost its connection: what it measured moving stops counting, so the rate reads 0
   * until progress arrives again.
   */
  noteDisconnected(): void {
    this.#transfer.reset();
    this.#changed();
  }

  #applyItemEvent(event: LoggedEvent): void {
    if (!('itemId' in event.data)) return;
    const itemId = event.data.itemId;
    const to = itemStateAfterEvent(event.type);
    if (to === undefined) return;
    const known = this.items.get(itemId);
    let item: ItemView | undefined;
    if (known !== undefined) {
      item = { ...known, state: to, updatedAt: event.at };
    } else if (event.type === 'item.queued') {
      item = newItemView({
        id: itemId,
        folderId: event.data.folderId,
        path: event.data.path,
        state: to,
        sizeBytes: event.data.sizeBytes,
        at: event.at,
      });
    }
    if (item !== undefined) {
      item = patchItem(item, event);
      this.#remember(item);
    }
    if (known === undefined && event.type === 'item.queued' && event.data.reason === 'new') {
      this.recentItemIds = [itemId, ...this.recentItemIds.filter((id) => id !== itemId)];
      if (this.recentItemIds.length > maxRecentItemIds)
        this.recentItemIds.length = maxRecentItemIds;
      this.#recordDelta({ seq: event.seq, folderId: event.data.folderId, from: null, to });
    } else if (known !== undefined) {
      this.#recordDelta({ seq: event.seq, folderId: known.folderId, from: known.state, to });
    } else {
      // An item this page never loaded changed state: its old state is unknown, so ask.
      this.#requestResync();
    }
    if (to !== 'uploading') this.progress.delete(itemId);
    if (event.type === 'item.uploading') this.#transfer.noteUploadStarted(itemId);
    if (event.type === 'item.delivered') {
      this.#recentDeliveries.push({ at: event.at });
      this.#forgetDeliveriesBefore(event.at - throughputWindowMs);
    }
    const change = { event, item };
    if (this.#snapshotPage !== undefined) {
      if (this.#snapshotPage.changes.length < maxChangesSinceSnapshot) {
        this.#snapshotPage.changes.push(change);
      } else {
        this.#snapshotPage = undefined;
      }
    }
    for (const listener of this.#itemListeners) listener(change);
  }

  /** Stores an item's view as its most recent change, forgetting the least recent beyond the bound. */
  #remember(item: ItemView): void {
    this.items.delete(item.id);
    this.items.set(item.id, item);
    this.#transfer.noteItem(item);
    if (this.items.size > maxRememberedItems) {
      const oldest = this.items.keys().next().value;
      if (oldest !== undefined) this.items.delete(oldest);
    }
  }

  #forgetDeliveriesBefore(atMs: number): void {
    let count = 0;
    while (count < this.#recentDeliveries.length && this.#recentDeliveries[count]!.at < atMs) {
      count += 1;
    }
    if (count > 0) this.#recentDeliveries.splice(0, count);
  }

  #recordDelta(delta: CountDelta): void {
    if (delta.from === delta.to) return;
    this.#deltas.push(delta);
    if (this.#deltas.length > maxRememberedDeltas) this.#deltas.shift();
    this.#applyDelta(delta);
  }

  #applyDelta(delta: CountDelta): void {
    if (this.counts !== undefined) this.counts = shiftCount(this.counts, delta);
    this.folders = this.folders.map((folder) =>
      folder.id === delta.folderId
        ? { ...folder, counts: shiftCount(folder.counts, delta) }
        : folder,
    );
  }

  #applyPause(folderId: string | null, isPaused: boolean): void {
    if (folderId === null) {
      this.delivery = { ...this.delivery, isPaused };
      return;
    }
    const others = this.delivery.pausedFolderIds.filter((id) => id !== folderId);
    this.delivery = {
      ...this.delivery,
      pausedFolderIds: isPaused ? [...others, folderId] : others,
    };
    this.folders = this.folders.map((folder) =>
      folder.id === folderId ? { ...folder, isPaused } : folder,
    );
  }

  #changed(): void {
    this.version += 1;
    for (const listener of this.#listeners) listener();
  }
}

function shiftCount(counts: StateCounts, delta: CountDelta): StateCounts {
  const next = { ...counts };
  if (delta.from !== null) next[delta.from] = Math.max(0, (next[delta.from] ?? 0) - 1);
  next[delta.to] = (next[delta.to] ?? 0) + 1;
  return next;
}

/**
 * The item view after an item state event (its new state, time and what the event carries), or
 * undefined when the event does not change an item's state.
 */
export function itemAfterEvent(item: ItemView, event: LoggedEvent): ItemView | undefined {
  const to = itemStateAfterEvent(event.type);
  if (to === undefined) return undefined;
  return patchItem({ ...item, state: to, updatedAt: event.at }, event);
}

/** The item with what the event says about it (attempt, link, error, next attempt). */
function patchItem(item: ItemView, event: LoggedEvent): ItemView {
  switch (event.type) {
    case 'item.queued':
      return {
        ...item,
        sizeBytes: event.data.sizeBytes,
        errorCode: null,
        errorMessage: null,
        nextAttemptAt: null,
      };
    case 'item.uploading':
      return { ...item, attempts: Math.max(item.attempts, event.data.attempt) };
    case 'item.delivered':
      return {
        ...item,
        remoteUrl: event.data.remoteUrl,
        verificationNote: event.data.verificationNote ?? null,
        errorCode: null,
        errorMessage: null,
        nextAttemptAt: null,
      };
    case 'item.retrying':
      return {
        ...item,
        nextAttemptAt: event.data.nextAttemptAt,
        errorCode: event.data.errorCode,
        errorMessage: event.data.errorMessage,
      };
    case 'item.failed':
      return {
        ...item,
        nextAttemptAt: null,
        errorCode: event.data.errorCode,
        errorMessage: event.data.errorMessage,
      };
    case 'item.quarantined':
      return { ...item, errorCode: 'input.quarantined', errorMessage: event.data.reason };
    case 'item.skipped':
      return { ...item, duplicateOfItemId: event.data.duplicateOfItemId };
    default:
      return item;
  }
}
