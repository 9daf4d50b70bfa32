/**
 * Shows the core's notifications (src/main/core/notifications) as desktop notifications.
 */
import { Notification } from 'electron';
import type { Notifier } from '../core/platform.ts';

/** A Notifier backed by Electron's Notification; clicking one opens the window. */
export class ElectronNotifier implements Notifier {
  readonly #onClick: () => void;

  constructor(onClick: () => void) {
    this.#onClick = onClick;
  }

  notify(title: string, body: string): void {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title, body });
    notification.on('click', () => this.#onClick());
    notification.show();
  }
}
