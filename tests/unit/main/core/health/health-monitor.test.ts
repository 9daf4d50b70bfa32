import { describe, expect, it } from 'vitest';
import type { ItemState } from '../../../../../src/shared/item-state.ts';
import type { OverallHealth } from '../../../../../src/shared/overall-health.ts';
import { EventBus } from '../../../../../src/main/core/events/index.ts';
import { HealthMonitor } from '../../../../../src/main/core/health/index.ts';
import type { LoggedEvent } from '../../../../../src/shared/events.ts';
import { TestClock } from '../../../../helpers/test-clock.ts';

function setUp(initialCounts: Partial<Record<ItemState, number>> = {}) {
  const clock = new TestClock();
  const bus = new EventBus((error) => {
    throw error;
  });
  let counts = initialCounts;
  let recounts = 0;
  const monitor = new HealthMonitor({
    bus,
    clock,
    debounceMs: 250,
    countItems: () => {
      recounts += 1;
      return counts;
    },
  });
  const heard: OverallHealth[] = [];
  monitor.onDidChange((health) => heard.push(health));
  let seq = 0;
  const publish = (event: Omit<LoggedEvent, 'seq' | 'at'>) =>
    bus.publish([{ ...event, seq: (seq += 1), at: clock.now() } as LoggedEvent]);
  return {
    monitor,
    clock,
    heard,
    publish,
    setCounts: (next: Partial<Record<ItemState, number>>) => (counts = next),
    recounts: () => recounts,
  };
}

describe('overall health for the tray icon', () => {
  it('is ok with nothing to do, and working while files wait for delivery', () => {
    const { monitor, clock, heard, publish, setCounts } = setUp();
    expect(monitor.current()).toBe('ok');
    setCounts({ queued: 3 });
    publish({
      type: 'item.queued',
      data: { itemId: 1, folderId: 'requests', path: 'a.pdf', sizeBytes: 1, reason: 'new' },
    });
    expect(monitor.current()).toBe('ok'); // not yet: item events are coalesced
    clock.advance(250);
    expect(monitor.current()).toBe('working');
    setCounts({ delivered: 3 });
    publish({
      type: 'item.delivered',
      data: { itemId: 1, remoteUrl: 'https://x', isModifiedByServer: false },
    });
    clock.advance(250);
    expect(heard).toEqual(['working', 'ok']);
    void monitor.close();
  });

  it('needs attention when an item failed or a folder is gone, and waits while SharePoint is failing', () => {
    const { monitor, clock, publish, setCounts } = setUp();
    setCounts({ failed: 1 });
    publish({ type: 'item.failed', data: { itemId: 1, errorCode: 'x', errorMessage: 'no' } });
    clock.advance(250);
    expect(monitor.current()).toBe('attention');

    setCounts({});
    publish({
      type: 'item.queued',
      data: { itemId: 1, folderId: 'f', path: 'a', sizeBytes: 1, reason: 'retry' },
    });
    clock.advance(250);
    expect(monitor.current()).toBe('ok');

    publish({
      type: 'connection.changed',
      data: { breaker: 'open', nextProbeAt: 1, detail: 'down' },
    });
    expect(monitor.current()).toBe('waiting');
    publish({
      type: 'connection.changed',
      data: { breaker: 'closed', nextProbeAt: null, detail: 'up' },
    });
    expect(monitor.current()).toBe('ok');

    publish({
      type: 'folder.unavailable',
      data: { folderId: 'f', path: '/mnt/x', reason: 'gone' },
    });
    expect(monitor.current()).toBe('attention');
    publish({ type: 'folder.available', data: { folderId: 'f', path: '/mnt/x' } });
    expect(monitor.current()).toBe('ok');
    void monitor.close();
  });

  it('shows paused while all delivery is paused, and not for a single folder', () => {
    const { monitor, publish } = setUp({ queued: 2 });
    expect(monitor.current()).toBe('working');
    publish({ type: 'delivery.paused', data: { folderId: 'one' } });
    expect(monitor.current()).toBe('working');
    publish({ type: 'delivery.paused', data: { folderId: null } });
    expect(monitor.current()).toBe('paused');
    publish({ type: 'delivery.resumed', data: { folderId: null } });
    expect(monitor.current()).toBe('working');
    void monitor.close();
  });

  it('recounts once for a burst of a thousand item events', () => {
    const { monitor, clock, publish, recounts } = setUp();
    const before = recounts();
    for (let itemId = 1; itemId <= 1000; itemId += 1) {
      publish({ type: 'item.uploading', data: { itemId, attempt: 1 } });
    }
    clock.advance(250);
    expect(recounts() - before).toBe(1);
    void monitor.close();
  });

  it('stops listening when closed, leaving no timer behind', async () => {
    const { monitor, clock, heard, publish, setCounts, recounts } = setUp();
    setCounts({ queued: 1 });
    publish({ type: 'item.uploading', data: { itemId: 1, attempt: 1 } });
    await monitor.close();
    const before = recounts();
    clock.advance(10_000);
    publish({ type: 'delivery.paused', data: { folderId: null } });
    expect(recounts()).toBe(before);
    expect(heard).toEqual([]);
  });

  it('needs attention while someone must sign in again, and not once someone has', () => {
    const { monitor, heard, publish } = setUp({ queued: 2 });
    expect(monitor.current()).toBe('working');
    publish({
      type: 'account.sign-in-required',
      data: { username: 'dana@contoso.example', detail: 'Needs attention: sign in again' },
    });
    expect(monitor.current()).toBe('attention');
    expect(monitor.isSignInRequired()).toBe(true);
    publish({
      type: 'account.signed-in',
      data: { username: 'dana@contoso.example', name: 'Dana Site', tenantId: 't' },
    });
    expect(monitor.isSignInRequired()).toBe(false);
    expect(heard).toEqual(['attention', 'working']);
    void monitor.close();
  });
});
