import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LoggedEvent } from '../../../../../../src/shared/events.ts';
import { ServerMessageSchema } from '../../../../../../src/shared/feed-protocol.ts';
import { toEventRuns } from '../../../../../../src/main/core/feed/broadcast/event-frames.ts';

function queued(seq: number, path = `file-${seq}.pdf`): LoggedEvent {
  return {
    seq,
    at: 1_763_700_000_000 + seq,
    type: 'item.queued',
    data: { itemId: seq, folderId: 'requests', path, sizeBytes: 1, reason: 'new' },
  } as LoggedEvent;
}

function parse(bytes: Buffer) {
  return ServerMessageSchema.parse(JSON.parse(bytes.toString('utf8')));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('event frames', () => {
  it('frames consecutive events once for version 2 and one by one for version 1, from one serialization', () => {
    const events = [1, 2, 3].map((seq) => queued(seq));
    const stringify = vi.spyOn(JSON, 'stringify');
    const [run, ...others] = toEventRuns(events, 64 * 1024);
    const batch = run!.framesFor(2);
    const singles = run!.framesFor(1);
    expect(run!.framesFor(2)[0]).toBe(batch[0]);
    expect(stringify).toHaveBeenCalledTimes(3);
    stringify.mockRestore();

    expect(others).toEqual([]);
    expect(run).toMatchObject({ firstSeq: 1, lastSeq: 3, itemIds: [1, 2, 3] });
    expect(batch.map((frame) => frame.lastSeq)).toEqual([3]);
    expect(parse(batch[0]!.bytes!)).toEqual({ type: 'events', v: 2, events });
    expect(singles.map((frame) => frame.lastSeq)).toEqual([1, 2, 3]);
    expect(singles.map((frame) => parse(frame.bytes!))).toEqual(
      events.map((event) => ({ type: 'event', v: 1, event })),
    );
  });

  it('starts a new frame at a gap in seq, past the size bound and at 500 events', () => {
    const gap = toEventRuns([queued(1), queued(2), queued(5), queued(6)], 64 * 1024);
    expect(gap.map((run) => [run.firstSeq, run.lastSeq])).toEqual([
      [1, 2],
      [5, 6],
    ]);

    const long = 'x'.repeat(1_000);
    const sized = toEventRuns(
      Array.from({ length: 10 }, (_, index) => queued(index + 1, long)),
      3_000,
    );
    expect(sized.map((run) => [run.firstSeq, run.lastSeq])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ]);
    for (const run of sized) expect(run.framesFor(2)[0]!.bytes!.length).toBeLessThan(3_000 + 100);
    // One event larger than the bound still goes, alone.
    expect(toEventRuns([queued(1, long)], 10).map((run) => run.lastSeq)).toEqual([1]);

    const many = toEventRuns(
      Array.from({ length: 1_200 }, (_, index) => queued(index + 1)),
      10 * 1024 * 1024,
    );
    expect(many.map((run) => run.lastSeq - run.firstSeq + 1)).toEqual([500, 500, 200]);
  });
});
