import type { LoggedEvent } from '../../../../shared/events.ts';
import type { FeedProtocolVersion } from '../../../../shared/feed-protocol.ts';

/** One frame ready to send, and the seq of the last event it carries. */
export interface EventFrame {
  lastSeq: number;
  bytes: Buffer;
}

/** The most events one `events` frame holds, whatever their size. */
const maxEventsPerFrame = 500;

/**
 * Logged events with consecutive seqs, each serialized once, framed per protocol version on
 * demand and shared by every client of that version: one `events` frame for version 2, one
 * `event` frame per event for version 1 (built only when a version-1 client asks).
 *
 * Frames hold the event JSON as serialized here, spliced into the envelope, so an event is
 * stringified once however many clients and versions it goes to.
 */
export class EventRun {
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** The items the events are about (a client drops held progress for them). */
  readonly itemIds: readonly number[];
  readonly #seqs: number[];
  readonly #texts: string[];
  #batchFrame: EventFrame | undefined;
  #singleFrames: EventFrame[] | undefined;

  constructor(events: readonly LoggedEvent[], texts: string[]) {
    this.#seqs = events.map((event) => event.seq);
    this.#texts = texts;
    this.firstSeq = this.#seqs[0] ?? 0;
    this.lastSeq = this.#seqs.at(-1) ?? 0;
    this.itemIds = events.flatMap((event) => {
      const itemId = (event.data as { itemId?: number }).itemId;
      return itemId === undefined ? [] : [itemId];
    });
  }

  /** The frames that carry these events to a client of `version`, in order. */
  framesFor(version: FeedProtocolVersion): readonly EventFrame[] {
    if (version === 1) {
      this.#singleFrames ??= this.#texts.map((text, index) => ({
        lastSeq: this.#seqs[index] ?? 0,
        bytes: Buffer.from(`{"type":"event","v":1,"event":${text}}`),
      }));
      return this.#singleFrames;
    }
    this.#batchFrame ??= {
      lastSeq: this.lastSeq,
      bytes: Buffer.from(`{"type":"events","v":${version},"events":[${this.#texts.join(',')}]}`),
    };
    return [this.#batchFrame];
  }
}

/**
 * Cuts events (in seq order) into runs of consecutive seqs of at most `maxFrameBytes` of event
 * JSON (but at least one event) and 500 events, serializing each event once.
 */
export function toEventRuns(events: readonly LoggedEvent[], maxFrameBytes: number): EventRun[] {
  const runs: EventRun[] = [];
  let runEvents: LoggedEvent[] = [];
  let runTexts: string[] = [];
  let runBytes = 0;
  const close = () => {
    if (runEvents.length > 0) runs.push(new EventRun(runEvents, runTexts));
    runEvents = [];
    runTexts = [];
    runBytes = 0;
  };
  for (const event of events) {
    const text = JSON.stringify(event);
    const previous = runEvents.at(-1);
    if (
      previous !== undefined &&
      (event.seq !== previous.seq + 1 ||
        runBytes + text.length > maxFrameBytes ||
        runEvents.length >= maxEventsPerFrame)
    ) {
      close();
    }
    runEvents.push(event);
    runTexts.push(text);
    runBytes += text.length + 1;
  }
  close();
  return runs;
}
