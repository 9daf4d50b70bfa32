import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../../../src/main/core/events/index.ts';
import { ResponsesNotifier } from '../../../../../src/main/core/notifications/index.ts';
import type { LoggedEvent } from '../../../../../src/shared/events.ts';
import { TestClock } from '../../../../helpers/test-clock.ts';

const batchWindowMs = 5_000;

function setUp(options: { isEnabled?: () => boolean } = {}) {
  const clock = new TestClock();
  const bus = new EventBus((error) => {
    throw error;
  });
  const shown: { title: string; body: string }[] = [];
  const notifier = new ResponsesNotifier({
    bus,
    clock,
    notifier: { notify: (title, body) => shown.push({ title, body }) },
    isEnabled: options.isEnabled ?? (() => true),
    batchWindowMs,
  });
  let seq = 0;
  const ready = (responseId: number, requestId: string | null, name = `answer ${responseId}.pdf`) =>
    bus.publish([
      {
        type: 'response.ready',
        data: {
          responseId,
          localPath: `/home/site/SiteDrop/Responses/${name}`,
          sizeBytes: 100,
          requestId,
        },
        seq: (seq += 1),
        at: clock.now(),
      } as LoggedEvent,
    ]);
  return { notifier, clock, shown, ready };
}

describe('notifications of responses', () => {
  it('says "Response ready for REQ-77" for one response, once its batch closes', () => {
    const { clock, shown, ready } = setUp();
    ready(1, 'REQ-77', 'REQ-77 answer.pdf');
    expect(shown).toEqual([]);
    clock.advance(batchWindowMs);
    expect(shown).toEqual([
      {
        title: 'Response ready for REQ-77',
        body: 'REQ-77 answer.pdf is in your responses folder. Open SiteDrop to see it.',
      },
    ]);
  });

  it('gathers responses that arrive together into one notification', () => {
    const { clock, shown, ready } = setUp();
    ready(1, 'REQ-77');
    ready(2, 'REQ-78');
    ready(3, null);
    clock.advance(batchWindowMs);
    expect(shown).toHaveLength(1);
    expect(shown[0]?.title).toBe('3 responses ready');
    expect(shown[0]?.body).toContain('For REQ-77, REQ-78.');
  });

  it('an unlinked response is announced too', () => {
    const { clock, shown, ready } = setUp();
    ready(1, null);
    clock.advance(batchWindowMs);
    expect(shown.map((notification) => notification.title)).toEqual(['A response is ready']);
  });

  it('shows nothing while notifications are off, and still counts for the tray', () => {
    const { notifier, clock, shown, ready } = setUp({ isEnabled: () => false });
    const counts: number[] = [];
    void notifier.onDidChangeUnseenCount((count) => counts.push(count));
    ready(1, 'REQ-77');
    ready(2, 'REQ-78');
    clock.advance(batchWindowMs);
    expect(shown).toEqual([]);
    expect(notifier.unseenCount).toBe(2);
    notifier.markSeen();
    expect(counts).toEqual([1, 2, 0]);
  });

  it('drops what was not shown when closed', async () => {
    const { notifier, clock, shown, ready } = setUp();
    ready(1, 'REQ-77');
    await notifier.close();
    clock.advance(batchWindowMs);
    expect(shown).toEqual([]);
  });
});
