import type { WebSocket } from 'ws';
import { feedCloseCodes, type FeedProtocolVersion } from '../../../../shared/feed-protocol.ts';
import { DelayedRun, type Clock, type TimerHandle } from '../../lifecycle/index.ts';
import type { Store } from '../../store/index.ts';
import { toEventRuns, type EventReceiver, type EventRun } from '../broadcast/index.ts';

/** Limits of one client's outgoing data. */
export interface FeedClientLimits {
  /** Unsent bytes a client may have; beyond them it catches up from the log instead. */
  maxBufferedBytes: number;
  /** Unsent bytes above which progress is held back (coalesced per item) instead of sent. */
  progressHoldBytes: number;
  /** How long a client that is behind may read nothing before it is closed as too slow. */
  stallTimeoutMs: number;
  /** How long to wait for a closing client's close handshake before dropping it. */
  closeGraceMs: number;
}

const progressFlushMs = 100;
const maxHeldProgress = 1_000;
const replayBatchSize = 50;

/**
 * One WebSocket client of the feed: what it was sent, and its pacing.
 *
 * Logged events reach a client exactly once and in seq order, in one of two modes.
 * - Live: it is handed the runs of events the bus published in one turn, each serialized once
 *   for every client (event-frames.ts): one `events` frame per run for a version-2 client, one
 *   `event` frame per event for a version-1 client.
 * - Catching up: it reads pages from the event log, a page only when the socket has written out
 *   most of the previous one. A client enters it when it reconnects with lastSeq, when the bus
 *   skips a seq (an event written by another process, or published out of order by a nested
 *   transaction), and when a live frame would pass its cap (a burst, such as retrying
 *   thousands of items in one transaction, or a slow reader).
 *
 * Memory per client is bounded by the cap either way: the log, not the process, holds what a
 * client has not read. A client that is behind and reads nothing for stallTimeoutMs is closed
 * with 4001 (reconnect with lastSeq).
 */
export class FeedClient implements EventReceiver {
  /** The protocol version this client speaks (its subprotocol): what `v` its messages carry. */
  readonly version: FeedProtocolVersion;
  readonly #socket: WebSocket;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #limits: FeedClientLimits;
  readonly #heldProgress = new Map<number, Buffer>();
  #lastSentSeq = 0;
  #isCatchingUp = false;
  #isClosing = false;
  #lastWrittenAt = 0;
  readonly #flush: DelayedRun;
  #stallTimer: TimerHandle | undefined;
  #graceTimer: TimerHandle | undefined;

  constructor(
    socket: WebSocket,
    version: FeedProtocolVersion,
    store: Store,
    clock: Clock,
    limits: FeedClientLimits,
  ) {
    this.version = version;
    this.#socket = socket;
    this.#store = store;
    this.#clock = clock;
    this.#limits = limits;
    this.#flush = new DelayedRun(clock, progressFlushMs, () => this.#flushProgress());
    socket.once('close', () => this.#dispose());
  }

  /** The seq of the last logged event this client was sent. */
  get lastSentSeq(): number {
    return this.#lastSentSeq;
  }

  /** Whether the client is gone or going (nothing more is sent). */
  get isClosing(): boolean {
    return this.#isClosing || this.#socket.readyState !== this.#socket.OPEN;
  }

  /** Starts after a snapshot that reflects `seq`: live events follow. */
  startAfterSnapshot(seq: number): void {
    this.#lastSentSeq = seq;
  }

  /** Starts by replaying the log after `seq` (a reconnecting client), then live events. */
  startWithReplay(seq: number): void {
    this.#lastSentSeq = seq;
    this.#startCatchUp();
  }

  /**
   * Sends a message that is not an event (hello, snapshot, a reply). One that does not fit
   * under the cap closes the client as too slow: replies are never dropped silently.
   */
  sendMessage(frame: Buffer): void {
    if (!this.#send(frame)) this.close(feedCloseCodes.tooSlow, 'too slow: reconnect with lastSeq');
  }

  /**
   * Offers a run of logged events (consecutive seqs); sent now, later from the log, or (seen
   * already) not at all. A run that starts after a gap, or overlaps what was sent, or would pass
   * the cap, switches to catching up from the log, which is exact whatever the framing.
   */
  offerEvents(run: EventRun): void {
    if (this.isClosing || this.#isCatchingUp || run.lastSeq <= this.#lastSentSeq) return;
    if (run.firstSeq !== this.#lastSentSeq + 1 || this.#sendFrames(run) === undefined) {
      this.#startCatchUp();
    }
  }

  /**
   * Tells the client the log's last seq (read by the feed's poll): events it was not offered —
   * written by another process — are read from the log, after those it was sent.
   */
  noticeLoggedSeq(seq: number): void {
    if (this.isClosing || this.#isCatchingUp || seq <= this.#lastSentSeq) return;
    this.#startCatchUp();
  }

  /** Offers a progress frame; a lagging client gets only the latest per item. */
  offerProgress(itemId: number, frame: Buffer): void {
    if (this.isClosing) return;
    if (
      this.#isCatchingUp ||
      this.#heldProgress.size > 0 ||
      this.#socket.bufferedAmount > this.#limits.progressHoldBytes
    ) {
      this.#heldProgress.delete(itemId);
      this.#heldProgress.set(itemId, frame);
      if (this.#heldProgress.size > maxHeldProgress) {
        const oldest = this.#heldProgress.keys().next().value;
        if (oldest !== undefined) this.#heldProgress.delete(oldest);
      }
      this.#scheduleFlush();
      return;
    }
    this.#send(frame);
  }

  /** Calls listener once the connection is closed (at once if it is). */
  onDidClose(listener: () => void): void {
    if (this.#socket.readyState === this.#socket.CLOSED) {
      listener();
    } else {
      this.#socket.once('close', () => listener());
    }
  }

  /** Closes the connection with a code and reason; idempotent. */
  close(code: number, reason: string): void {
    if (this.#isClosing) return;
    this.#isClosing = true;
    this.#heldProgress.clear();
    void this.#stallTimer?.close();
    this.#socket.close(code, reason);
    this.#graceTimer = this.#clock.setTimeout(
      () => this.#socket.terminate(),
      this.#limits.closeGraceMs,
    );
  }

  #startCatchUp(): void {
    if (this.#isCatchingUp || this.isClosing) return;
    this.#isCatchingUp = true;
    this.#lastWrittenAt = this.#clock.monotonicNow();
    this.#armStallTimer(this.#limits.stallTimeoutMs);
    this.#pump();
  }

  /**
   * Sends the next page from the log when the socket has room (less than half the cap unsent);
   * otherwise a write callback calls again. Switches to live at the end of the log: the log
   * holds every event before the bus publishes it, so live frames then follow without a gap.
   */
  #pump(): void {
    if (!this.#isCatchingUp || this.isClosing) return;
    if (this.#socket.bufferedAmount > this.#limits.maxBufferedBytes / 2) return;
    const pageBytes = Math.max(1, Math.floor(this.#limits.maxBufferedBytes / 4));
    let bytes = 0;
    while (bytes < pageBytes) {
      const events = this.#store.readEventsSince(this.#lastSentSeq, replayBatchSize);
      for (const run of toEventRuns(events, pageBytes)) {
        const sentBytes = this.#sendFrames(run);
        if (sentBytes === undefined) return;
        bytes += sentBytes;
      }
      if (events.length < replayBatchSize) {
        this.#isCatchingUp = false;
        void this.#stallTimer?.close();
        this.#stallTimer = undefined;
        this.#scheduleFlush();
        return;
      }
    }
  }

  #armStallTimer(delayMs: number): void {
    void this.#stallTimer?.close();
    this.#stallTimer = this.#clock.setTimeout(() => {
      this.#stallTimer = undefined;
      if (!this.#isCatchingUp || this.isClosing) return;
      const idleMs = this.#clock.monotonicNow() - this.#lastWrittenAt;
      if (idleMs >= this.#limits.stallTimeoutMs) {
        this.close(feedCloseCodes.tooSlow, 'too slow: reconnect with lastSeq');
      } else {
        this.#armStallTimer(this.#limits.stallTimeoutMs - idleMs);
      }
    }, delayMs);
  }

  #onWritten(): void {
    this.#lastWrittenAt = this.#clock.monotonicNow();
    this.#pump();
  }

  #scheduleFlush(): void {
    if (this.#heldProgress.size === 0 || this.isClosing) return;
    this.#flush.schedule();
  }

  #flushProgress(): void {
    if (this.isClosing) return;
    if (this.#isCatchingUp || this.#socket.bufferedAmount > this.#limits.progressHoldBytes) {
      this.#scheduleFlush();
      return;
    }
    const frames = [...this.#heldProgress.values()];
    this.#heldProgress.clear();
    for (const frame of frames) if (!this.#send(frame)) return;
  }

  /**
   * Sends a run's frames for this client's version, as far as the cap allows, advancing
   * lastSentSeq frame by frame. Returns the bytes sent, or undefined when a frame did not fit.
   * Progress held for the run's items is dropped: their next state is sent, now or from the log.
   */
  #sendFrames(run: EventRun): number | undefined {
    if (this.#heldProgress.size > 0) {
      for (const itemId of run.itemIds) this.#heldProgress.delete(itemId);
    }
    let sentBytes = 0;
    let isEventSent = false;
    for (const frame of run.framesFor(this.version)) {
      // A notice goes only right after the events it restates, never again on a replay overlap.
      if (frame.isNotice === true ? !isEventSent : frame.lastSeq <= this.#lastSentSeq) continue;
      if (frame.bytes !== undefined && !this.#send(frame.bytes)) return undefined;
      if (frame.isNotice !== true) {
        this.#lastSentSeq = frame.lastSeq;
        isEventSent = true;
      }
      sentBytes += frame.bytes?.length ?? 0;
    }
    return sentBytes;
  }

  /** Sends a frame unless that would pass the cap; the write callback paces catch-up. */
  #send(frame: Buffer): boolean {
    if (this.isClosing) return false;
    if (this.#socket.bufferedAmount + frame.length > this.#limits.maxBufferedBytes) return false;
    this.#socket.send(frame, { binary: false }, (error) => {
      if (!error) this.#onWritten();
    });
    return true;
  }

  #dispose(): void {
    this.#isClosing = true;
    this.#heldProgress.clear();
    this.#flush.close();
    void this.#stallTimer?.close();
    void this.#graceTimer?.close();
  }
}
