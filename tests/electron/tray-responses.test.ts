// electron is mocked because the Electron binary cannot be downloaded on this machine; the tray
// and the responses notifier are real, fed by a real event bus.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../src/main/core/events/index.ts';
import { ResponsesNotifier } from '../../src/main/core/notifications/index.ts';
import type { LoggedEvent } from '../../src/shared/events.ts';
import { TestClock } from '../helpers/test-clock.ts';
import { fakeElectron, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fakeElectron);

const { TrayIcon, trayTooltips } = await import('../../src/main/electron/tray-icon.ts');

beforeEach(() => resetFakeElectron());
afterEach(() => resetFakeElectron());

describe('the tray and responses', () => {
  it('says how many responses arrived, and opens the window from that menu item', () => {
    const bus = new EventBus((error) => {
      throw error;
    });
    const responses = new ResponsesNotifier({
      bus,
      clock: new TestClock(),
      notifier: { notify: () => undefined },
      isEnabled: () => true,
    });
    const openWindow = vi.fn();
    const tray = new TrayIcon({
      iconDir: '/icons',
      health: 'ok',
      isPaused: false,
      actions: {
        openWindow,
        pauseDelivery: vi.fn(),
        resumeDelivery: vi.fn(),
        openRequestFolder: vi.fn(),
        exportDiagnostics: vi.fn(),
        quit: vi.fn(),
      },
    });
    void responses.onDidChangeUnseenCount((count) => tray.setReadyResponseCount(count));
    const fakeTray = fakeElectron.Tray.instances[0]!;
    expect(fakeTray.tooltip).toBe(trayTooltips.ok);

    for (const responseId of [1, 2]) {
      bus.publish([
        {
          type: 'response.ready',
          data: { responseId, localPath: `/r/${responseId}.pdf`, sizeBytes: 1, requestId: null },
          seq: responseId,
          at: 0,
        } as LoggedEvent,
      ]);
    }
    expect(fakeTray.tooltip).toBe(`${trayTooltips.ok}; 2 responses ready`);
    fakeTray.clickMenuItem('2 responses ready');
    expect(openWindow).toHaveBeenCalledOnce();

    responses.markSeen();
    expect(fakeTray.tooltip).toBe(trayTooltips.ok);
    expect(fakeTray.menu.map((item) => item.label)).not.toContain('2 responses ready');
  });
});
