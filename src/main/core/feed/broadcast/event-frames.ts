import type { LoggedEvent } from '../../../../shared/events.ts';
import {
  encodeResponseReady,
  isEventTypeSentTo,
  type FeedProtocolVersion,
} from '../../../../shared/feed-protocol.ts';

/**
 * One frame ready to send, and the seq of the last event it carries. `bytes` is undefined when
 * the client's version is sent none of those events: its seq still advances past them. A notice
 * (`responseReady`) restates an event of the frame before it and goes only with that frame.
 */
export interface EventFrame {
  lastSeq: number;
  bytes: Buffer | undefined;
  isNotice?: boolean;
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
  readonly #events: readonly LoggedEvent[];
  readonly #seqs: number[];
  readonly #texts: string[];
  readonly #batchFrames = new Map<FeedProtocolVersion, EventFrame[]>();
  #singleFrames: EventFrame[] | undefined;

  constructor(events: readonly LoggedEvent[], texts: string[]) {
    this.#events = events;
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
        bytes: this.#isSentTo(index, 1)
          ? Buffer.from(`{"type":"event","v":1,"event":${text}}`)
          : undefined,
      }));
      return this.#singleFrames;
    }
    let frames = this.#batchFrames.get(version);
    if (frames === undefined) {
      frames = [this.#batchFrameFor(version), ...this.#noticeFramesFor(version)];
      this.#batchFrames.set(version, frames);
    }
    return frames;
  }

  #isSentTo(index: number, version: FeedProtocolVersion): boolean {
    const event = this.#events[index];
    return event !== undefined && isEventTypeSentTo(event.type, version);
  }

  #batchFrameFor(version: FeedProtocolVersion): EventFrame {
    const texts = this.#texts.filter((_text, index) => this.#isSentTo(index, version));
    return {
      lastSeq: this.lastSeq,
      bytes:
        texts.length === 0
          ? undefined
          : Buffer.from(`{"type":"events","v":${version},"events":[${texts.join(',')}]}`),
    };
  }

  #noticeFramesFor(version: FeedProtocolVersion): EventFrame[] {
    if (version < 3) return [];
    return this.#events.flatMap((event) =>
      event.type === 'response.ready'
        ? [
            {
              lastSeq: this.lastSeq,
              bytes: Buffer.from(JSON.stringify(encodeResponseReady(event.data))),
              isNotice: true,
            },
          ]
        : [],
    );
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
