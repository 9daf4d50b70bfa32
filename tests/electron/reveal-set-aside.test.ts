// electron is mocked because the Electron binary cannot be downloaded on this machine; the
// agent is real (SQLite, intake watching a temp folder), so the paths checked are the ones intake
// reported when it set the file aside.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listAllItems, startTestAgent } from '../helpers/test-agent.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { fakeElectron, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fakeElectron);

const { revealSetAside } = await import('../../src/main/electron/reveal-set-aside.ts');

beforeEach(() => resetFakeElectron());
afterEach(() => resetFakeElectron());

/** An agent whose folder set aside `order.json` (not valid JSON), and that item's paths. */
async function setAsideOrder() {
  const { agent, folderPaths } = await startTestAgent({
    folders: [{ requests: { enabled: true } }],
  });
  const folder = folderPaths[0]!;
  fs.writeFileSync(path.join(folder, 'order.json'), '{"request_id": "R1",');
  await waitFor(() => listAllItems(agent.store).some((item) => item.state === 'quarantined'), {
    description: 'order.json set aside',
  });
  const item = listAllItems(agent.store).find((candidate) => candidate.state === 'quarantined')!;
  const filePath = path.join(folder, '_quarantine', 'order.json');
  return { agent, folder, itemId: item.id, filePath, notePath: `${filePath}.error.txt` };
}

describe('showing a set-aside file in its folder', () => {
  it('shows the file and its note where intake put them', async () => {
    const { agent, itemId, filePath, notePath } = await setAsideOrder();
    expect(revealSetAside(agent.store, { itemId, path: filePath })).toBe(true);
    expect(revealSetAside(agent.store, { itemId, path: notePath })).toBe(true);
    expect(fakeElectron.shell.showItemInFolder.mock.calls).toEqual([[filePath], [notePath]]);
  });

  it('opens the set-aside folder once the file was moved away from it', async () => {
    const { agent, itemId, filePath } = await setAsideOrder();
    fs.rmSync(filePath);
    expect(revealSetAside(agent.store, { itemId, path: filePath })).toBe(true);
    expect(fakeElectron.shell.openPath).toHaveBeenCalledExactlyOnceWith(path.dirname(filePath));
    expect(fakeElectron.shell.showItemInFolder).not.toHaveBeenCalled();
  });

  it('never shows a path the agent did not report for that set-aside item', async () => {
    const { agent, folder, itemId, filePath } = await setAsideOrder();
    for (const request of [
      { itemId, path: '/etc/passwd' },
      { itemId, path: path.join(folder, '_quarantine') },
      { itemId, path: `${filePath}/../../order.json` },
      { itemId: itemId + 1, path: filePath },
    ]) {
      expect(revealSetAside(agent.store, request), request.path).toBe(false);
    }
    expect(fakeElectron.shell.showItemInFolder).not.toHaveBeenCalled();
    expect(fakeElectron.shell.openPath).not.toHaveBeenCalled();
  });
});
