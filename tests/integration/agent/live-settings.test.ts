import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestFeedClient } from '../../helpers/feed-client.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { restartTestAgent, startTestAgent } from '../../helpers/test-agent.ts';
import { waitFor } from '../../helpers/wait-for.ts';

describe('the running agent', () => {
  it('watches a folder added in Settings at once, without a restart', async () => {
    const { agent, folderPaths } = await startTestAgent();
    const added = path.join(makeTempDir(), 'new-folder');
    fs.mkdirSync(added);
    const client = await TestFeedClient.connect(agent.feed);
    const reply = await client.request('saveSettings', {
      config: {
        folders: [
          ...agent.config.folders.map((folder) => ({
            id: folder.id,
            path: folder.path,
            stabilityWindowMs: 200,
          })),
          { id: 'added', path: added, stabilityWindowMs: 200 },
        ],
      },
    });
    expect(reply).toMatchObject({ ok: true });
    await agent.whenSettled();

    fs.writeFileSync(path.join(added, 'late.pdf'), 'dropped after the settings change');
    fs.writeFileSync(path.join(folderPaths[0]!, 'old.pdf'), 'the old folder still works');
    const queued = await waitFor(
      () => {
        const paths = agent.store.listItems({ limit: 10, states: ['queued'] });
        return paths.length === 2 ? paths : undefined;
      },
      { description: 'both files to be queued' },
    );
    expect(queued.map((item) => `${item.folderId}/${item.relativePath}`).sort()).toEqual([
      'added/late.pdf',
      'folder-1/old.pdf',
    ]);
  });

  it('keeps delivery paused across a restart', async () => {
    const { agent, dataDir } = await startTestAgent({
      folders: [{ id: 'site-a' }, { id: 'site-b' }],
    });
    agent.delivery.pause('site-b');
    await agent.close();
    const restarted = await restartTestAgent(dataDir);
    expect(restarted.delivery.pauseState()).toEqual({
      isPausedAll: false,
      pausedFolderIds: ['site-b'],
    });
    const client = await TestFeedClient.connect(restarted.feed);
    const snapshot = await client.waitFor(
      (message): message is Extract<typeof message, { type: 'snapshot' }> =>
        message.type === 'snapshot',
    );
    expect(snapshot.snapshot.delivery).toEqual({ isPaused: false, pausedFolderIds: ['site-b'] });
    restarted.delivery.resume(null);
    await restarted.close();
    const again = await restartTestAgent(dataDir);
    expect(again.delivery.pauseState()).toEqual({ isPausedAll: false, pausedFolderIds: [] });
  });

  it('records agent.stopped after its workers have stopped', async () => {
    const { agent, dataDir } = await startTestAgent();
    await agent.close('test');
    const restarted = await restartTestAgent(dataDir);
    const types = restarted.store.readEventsSince(0, 100).map((event) => event.type);
    expect(types.filter((type) => type.startsWith('agent.'))).toEqual([
      'agent.started',
      'agent.stopped',
      'agent.started',
    ]);
  });
});
