// electron is mocked because the Electron binary cannot be downloaded on this machine; the
// folders are real directories in a temp directory.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { fakeElectron, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fakeElectron);

const { openWatchedFolder } = await import('../../src/main/electron/open-watched-folder.ts');

beforeEach(() => resetFakeElectron());
afterEach(() => resetFakeElectron());

describe('opening a watched folder from the window', () => {
  it('opens the configured path of the folder the window names by id', async () => {
    const folderPath = makeTempDir('sitedrop-open-folder-');
    const folders = [{ id: 'office', path: folderPath }];
    expect(await openWatchedFolder(folders, 'office')).toBe(true);
    expect(fakeElectron.shell.openPath).toHaveBeenCalledExactlyOnceWith(folderPath);
  });

  it('opens nothing for an id that is not a watched folder, or a folder that is gone', async () => {
    const folderPath = makeTempDir('sitedrop-open-folder-');
    const gone = path.join(folderPath, 'gone');
    fs.mkdirSync(gone);
    fs.rmdirSync(gone);
    const folders = [
      { id: 'office', path: folderPath },
      { id: 'yard', path: gone },
    ];
    expect(await openWatchedFolder(folders, '/etc')).toBe(false);
    expect(await openWatchedFolder(folders, 'yard')).toBe(false);
    expect(fakeElectron.shell.openPath).not.toHaveBeenCalled();
  });
});
