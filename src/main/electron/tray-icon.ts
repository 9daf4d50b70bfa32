/**
 * The tray icon: its look follows the agent's overall health, and its menu holds what a person
 * needs without opening the window (docs/deployment.md, "The desktop app's security").
 */
import path from 'node:path';
import { Menu, Tray, nativeImage } from 'electron';
import type { OverallHealth } from '../../shared/overall-health.ts';

/** What the menu items do. */
export interface TrayActions {
  openWindow(): void;
  pauseDelivery(): void;
  resumeDelivery(): void;
  openRequestFolder(): void;
  exportDiagnostics(): void;
  quit(): void;
}

/** The tray's tooltip for each health. */
export const trayTooltips: Readonly<Record<OverallHealth, string>> = {
  ok: 'SiteDrop: everything delivered',
  working: 'SiteDrop: delivering files',
  waiting: 'SiteDrop: waiting for SharePoint',
  paused: 'SiteDrop: delivery paused',
  attention: 'SiteDrop: files need your attention',
};

/** The icon file for a health, inside the app's tray icon folder. */
export function trayIconPath(iconDir: string, health: OverallHealth): string {
  return path.join(iconDir, `tray-${health}.png`);
}

/** A tray icon that follows health; close() removes it. */
export class TrayIcon {
  readonly #tray: Tray;
  readonly #iconDir: string;
  readonly #actions: TrayActions;
  #health: OverallHealth;
  #isPaused: boolean;
  #readyResponseCount = 0;

  constructor(options: {
    iconDir: string;
    actions: TrayActions;
    health: OverallHealth;
    isPaused: boolean;
  }) {
    this.#iconDir = options.iconDir;
    this.#actions = options.actions;
    this.#health = options.health;
    this.#isPaused = options.isPaused;
    this.#tray = new Tray(nativeImage.createFromPath(trayIconPath(this.#iconDir, this.#health)));
    this.#tray.on('click', () => this.#actions.openWindow());
    this.#render();
  }

  /** Shows a new health. */
  setHealth(health: OverallHealth): void {
    if (health === this.#health) return;
    this.#health = health;
    this.#tray.setImage(nativeImage.createFromPath(trayIconPath(this.#iconDir, health)));
    this.#render();
  }

  /** Switches the menu between Pause and Resume. */
  setPaused(isPaused: boolean): void {
    if (isPaused === this.#isPaused) return;
    this.#isPaused = isPaused;
    this.#render();
  }

  /** Shows how many responses arrived since the person last looked (0: none, no menu item). */
  setReadyResponseCount(count: number): void {
    if (count === this.#readyResponseCount) return;
    this.#readyResponseCount = count;
    this.#render();
  }

  /** Removes the icon. */
  close(): void {
    if (!this.#tray.isDestroyed()) this.#tray.destroy();
  }

  #render(): void {
    const actions = this.#actions;
    const responses = describeReadyResponses(this.#readyResponseCount);
    this.#tray.setToolTip(
      responses ? `${trayTooltips[this.#health]}; ${responses}` : trayTooltips[this.#health],
    );
    this.#tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open SiteDrop', click: () => actions.openWindow() },
        ...(responses ? [{ label: responses, click: () => actions.openWindow() }] : []),
        this.#isPaused
          ? { label: 'Resume delivery', click: () => actions.resumeDelivery() }
          : { label: 'Pause delivery', click: () => actions.pauseDelivery() },
        { label: 'Open request folder', click: () => actions.openRequestFolder() },
        { type: 'separator' },
        { label: 'Export diagnostics…', click: () => actions.exportDiagnostics() },
        { type: 'separator' },
        { label: 'Quit SiteDrop', click: () => actions.quit() },
      ]),
    );
  }
}

/** "1 response ready", "2 responses ready", or undefined for none. */
export function describeReadyResponses(count: number): string | undefined {
  if (count === 0) return undefined;
  return `${count} response${count === 1 ? '' : 's'} ready`;
}
