// electron is mocked because the Electron binary cannot be downloaded on this machine: the
// preload is compiled as Electron would load it (one CommonJS script) and run with a fake
// `require('electron')`.
import fs from 'node:fs';
import vm from 'node:vm';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import { desktopChannel, desktopRequestNames } from '../../src/shared/desktop-api.ts';

const source = fs.readFileSync(
  new URL('../../src/main/electron/preload.cts', import.meta.url),
  'utf8',
);

function runPreload() {
  const exposed = new Map<string, unknown>();
  const invoke = vi.fn((..._args: unknown[]) => Promise.resolve('answer'));
  const electron = {
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
    ipcRenderer: { invoke, send: vi.fn(), on: vi.fn() },
  };
  const requested: string[] = [];
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const module = { exports: {} };
  vm.runInNewContext(outputText, {
    require: (name: string) => {
      requested.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    },
    module,
    exports: module.exports,
  });
  return { exposed, invoke, requested };
}

describe('the preload', () => {
  it('requires nothing but electron, as a sandboxed preload must', () => {
    expect(runPreload().requested).toEqual(['electron']);
  });

  it('exposes exactly the contract as window.sitedrop: one function per operation', () => {
    const { exposed } = runPreload();
    expect([...exposed.keys()]).toEqual(['sitedrop']);
    const api = exposed.get('sitedrop') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...desktopRequestNames].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('sends each operation on its own channel and never hands out ipcRenderer', async () => {
    const { exposed, invoke } = runPreload();
    const api = exposed.get('sitedrop') as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const argumentsByName: Record<string, unknown[]> = {
      getFeedConnection: [],
      showItemInFolder: [{ folderId: 'requests', path: 'a.pdf' }],
      showSetAsideInFolder: [{ itemId: 3, path: '/site/requests/_quarantine/order.json' }],
      openSharePointLink: ['https://contoso.sharepoint.com/x'],
      exportDiagnostics: [],
      openResponse: [{ responseId: 4, path: '/home/site/SiteDrop/Responses/REQ-77 answer.pdf' }],
      openWatchedFolder: ['requests'],
    };
    for (const name of desktopRequestNames) {
      invoke.mockClear();
      await expect(api[name]?.(...(argumentsByName[name] ?? []))).resolves.toBe('answer');
      expect(invoke).toHaveBeenCalledExactlyOnceWith(
        desktopChannel(name),
        ...(argumentsByName[name] ?? []),
      );
    }
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc|invoke|send/i);
  });
});
