/**
 * The Electron main process's entry (package.json "main", compiled to dist/main/electron/main.js
 * by `npm run build:electron`): starts the desktop app around the core.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import { startAgent } from '../core/agent.ts';
import { runDesktopApp } from './desktop-app.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

// Windows shows notifications only for an app with this id (the installer's appId).
app.setAppUserModelId('com.sitedrop.agent');

void runDesktopApp({
  startAgent: (options) => startAgent(options),
  preloadPath: path.join(here, 'preload.cjs'),
  // dist/main/electron → the app root's assets/tray (inside the asar in a packaged build).
  trayIconDir: path.join(here, '..', '..', '..', 'assets', 'tray'),
});
