// electron is mocked because the Electron binary cannot be downloaded on this machine; the
// responses inbox is real (SQLite in a temp directory), so the path checked is the one the inbox
// recorded when the response became ready.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestStore } from '../helpers/store.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { fakeElectron, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fakeElectron);

const { openResponse } = await import('../../src/main/electron/open-response.ts');

beforeEach(() => resetFakeElectron());
afterEach(() => resetFakeElectron());

/** A store holding one ready response whose file is in a temp responses folder. */
function readyResponse() {
  const dataDir = makeTempDir('sitedrop-open-response-');
  const { store } = openTestStore(dataDir);
  const localPath = path.join(dataDir, 'Responses', 'REQ-77 answer.pdf');
  fs.mkdirSync(path.dirname(localPath));
  fs.writeFileSync(localPath, 'answer');
  const [detected] = store.responses.applyDeltaPage('office', [
    {
      remoteItemId: 'item-1',
      isDeleted: false,
      cTag: 'c1',
      name: 'REQ-77 answer.pdf',
      sizeBytes: 6,
    },
  ]);
  store.responses.startDownloading(detected!.id, 0);
  store.responses.markVerifying(detected!.id);
  store.responses.markReady(detected!.id, { localPath, sizeBytes: 6, requestId: 'REQ-77' });
  return { store, responseId: detected!.id, localPath, dataDir };
}

describe('opening a response from the window', () => {
  it('opens the file the agent recorded for that response', async () => {
    const { store, responseId, localPath } = readyResponse();
    expect(await openResponse(store.responses, { responseId, path: localPath })).toBe(true);
    expect(fakeElectron.shell.openPath).toHaveBeenCalledExactlyOnceWith(localPath);
  });

  it('never opens a path the agent did not record for that response', async () => {
    const { store, responseId, localPath, dataDir } = readyResponse();
    for (const request of [
      { responseId, path: '/etc/passwd' },
      { responseId, path: path.join(dataDir, 'Responses') },
      { responseId, path: `${localPath}/../REQ-77 answer.pdf` },
      { responseId: responseId + 1, path: localPath },
    ]) {
      expect(await openResponse(store.responses, request), request.path).toBe(false);
    }
    expect(fakeElectron.shell.openPath).not.toHaveBeenCalled();
  });

  it('answers false once the file is gone', async () => {
    const { store, responseId, localPath } = readyResponse();
    fs.rmSync(localPath);
    expect(await openResponse(store.responses, { responseId, path: localPath })).toBe(false);
    expect(fakeElectron.shell.openPath).not.toHaveBeenCalled();
  });
});
