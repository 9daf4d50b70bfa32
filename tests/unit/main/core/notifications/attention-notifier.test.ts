import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../../../src/main/core/events/index.ts';
import { AttentionNotifier } from '../../../../../src/main/core/notifications/index.ts';
import type { LoggedEvent } from '../../../../../src/shared/events.ts';
import { TestClock } from '../../../../helpers/test-clock.ts';

function setUp(options: { isEnabled?: () => boolean } = {}) {
  const clock = new TestClock();
  const bus = new EventBus((error) => {
    throw error;
  });
  const shown: { title: string; body: string }[] = [];
  const notifier = new AttentionNotifier({
    bus,
    clock,
    notifier: { notify: (title, body) => shown.push({ title, body }) },
    isEnabled: options.isEnabled ?? (() => true),
    describeItem: (itemId) => `site-a/report-${itemId}.pdf`,
    batchWindowMs: 5_000,
    minIntervalMs: 60_000,
  });
  let seq = 0;
  const at = () => ({ seq: (seq += 1), at: clock.now() });
  return {
    notifier,
    clock,
    shown,
    fail: (itemId: number, errorMessage = 'SharePoint refused the file: access denied.') =>
      bus.publish([
        {
          type: 'item.failed',
          data: { itemId, errorCode: 'auth.denied', errorMessage },
          ...at(),
        } as LoggedEvent,
      ]),
    quarantine: (itemId: number) =>
      bus.publish([
        {
          type: 'item.quarantined',
          data: { itemId, reason: 'the request file is not valid JSON', quarantinePath: '/q' },
          ...at(),
        } as LoggedEvent,
      ]),
    requireSignIn: () =>
      bus.publish([
        {
          type: 'account.sign-in-required',
          data: { username: 'dana@contoso.example', detail: 'Needs attention: sign in again' },
          ...at(),
        } as LoggedEvent,
      ]),
    deliver: (itemId: number) =>
      bus.publish([
        {
          type: 'item.delivered',
          data: { itemId, remoteUrl: 'https://x', isModifiedByServer: false },
          ...at(),
        } as LoggedEvent,
      ]),
  };
}

describe('notifications when files need a person', () => {
  it('names the file and the reason when one file failed', () => {
    const { notifier, clock, shown, fail } = setUp();
    fail(7);
    expect(shown).toEqual([]);
    clock.advance(5_000);
    expect(shown).toEqual([
      {
        title: 'A file could not be delivered',
        body: 'site-a/report-7.pdf: SharePoint refused the file: access denied.',
      },
    ]);
    void notifier.close();
  });

  it('turns a burst of failures and quarantines into one notification', () => {
    const { notifier, clock, shown, fail, quarantine } = setUp();
    for (let itemId = 1; itemId <= 40; itemId += 1) fail(itemId);
    quarantine(41);
    quarantine(42);
    clock.advance(5_000);
    expect(shown).toEqual([
      {
        title: '42 files need you',
        body: '40 could not be delivered, 2 were set aside. Open SiteDrop to see why and retry.',
      },
    ]);
    void notifier.close();
  });

  it('waits at least a minute before the next notification, then sums up what came', () => {
    const { notifier, clock, shown, fail } = setUp();
    fail(1);
    clock.advance(5_000);
    fail(2);
    clock.advance(10_000);
    fail(3);
    expect(shown).toHaveLength(1);
    clock.advance(50_000);
    expect(shown).toHaveLength(2);
    expect(shown[1]?.title).toBe('2 files need you');
    void notifier.close();
  });

  it('says nothing about delivered files', () => {
    const { notifier, clock, shown, deliver } = setUp();
    deliver(1);
    clock.advance(60_000);
    expect(shown).toEqual([]);
    void notifier.close();
  });

  it('stays silent when notifications are turned off (desktop.notifications: false)', () => {
    let isEnabled = false;
    const { notifier, clock, shown, fail } = setUp({ isEnabled: () => isEnabled });
    fail(1);
    clock.advance(60_000);
    expect(shown).toEqual([]);
    isEnabled = true;
    fail(2);
    isEnabled = false; // turned off while the batch waited
    clock.advance(60_000);
    expect(shown).toEqual([]);
    void notifier.close();
  });

  it('drops what was pending when closed', async () => {
    const { notifier, clock, shown, fail } = setUp();
    fail(1);
    await notifier.close();
    clock.advance(60_000);
    fail(2);
    clock.advance(60_000);
    expect(shown).toEqual([]);
  });

  it('says at once, in one notification, that someone must sign in again', () => {
    const { shown, requireSignIn, fail, clock } = setUp();
    requireSignIn();
    expect(shown).toEqual([
      {
        title: 'Sign in again',
        body: expect.stringMatching(
          /^SiteDrop cannot deliver until someone signs in as dana@contoso\.example with Microsoft again\. Files wait in the queue/,
        ),
      },
    ]);
    fail(1);
    clock.advance(5_000);
    expect(shown).toHaveLength(2);
    expect(shown[1]?.title).toBe('A file could not be delivered');
  });
});
