/**
 * The window's preload: exposes `window.sitedrop`, one function per operation of the IPC
 * contract (src/shared/desktop-api.ts), and nothing else; never ipcRenderer itself (after
 * Electron Fiddle's src/preload/preload.ts).
 *
 * A sandboxed preload is one CommonJS script that may require only 'electron' (and a few
 * polyfilled modules), so this file imports nothing of ours at run time: the channel names are
 * spelled out here and tests/electron/preload.test.ts checks them against the contract.
 */
import type { ContextBridge, IpcRenderer } from 'electron';
import type {
  DesktopApi,
  ItemLocation,
  ResponsePath,
  SetAsidePath,
} from '../../shared/desktop-api.ts';

// A CommonJS require, because a sandboxed preload cannot be an ES module and
// erasableSyntaxOnly rules out `import x = require()`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { contextBridge, ipcRenderer } = require('electron') as {
  contextBridge: ContextBridge;
  ipcRenderer: IpcRenderer;
};

const api: DesktopApi = {
  getFeedConnection: () => ipcRenderer.invoke('sitedrop:getFeedConnection'),
  showItemInFolder: (location: ItemLocation) =>
    ipcRenderer.invoke('sitedrop:showItemInFolder', location),
  showSetAsideInFolder: (location: SetAsidePath) =>
    ipcRenderer.invoke('sitedrop:showSetAsideInFolder', location),
  openSharePointLink: (url: string) => ipcRenderer.invoke('sitedrop:openSharePointLink', url),
  exportDiagnostics: () => ipcRenderer.invoke('sitedrop:exportDiagnostics'),
  openResponse: (location: ResponsePath) => ipcRenderer.invoke('sitedrop:openResponse', location),
  openWatchedFolder: (folderId: string) =>
    ipcRenderer.invoke('sitedrop:openWatchedFolder', folderId),
};

contextBridge.exposeInMainWorld('sitedrop', api);
