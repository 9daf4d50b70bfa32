import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startDemo } from '../../../src/main/cli/demo-command.ts';
import type { Store } from '../../../src/main/core/store/index.ts';
import { holdFileOpen } from '../../helpers/held-file.ts';
import { listAllItems, startTestAgent } from '../../helpers/test-agent.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { sleep, waitFor } from '../../helpers/wait-for.ts';

const windowMs = 400;

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Checks, every 50 ms for `durationMs`, that no item was recorded. */
async function expectNothingTakenFor(store: Store, durationMs: number): Promise<void> {
  const until = Date.now() + durationMs;
  while (Date.now() < until) {
    expect(listAllItems(store)).toEqual([]);
    await sleep(50);
  }
}

// Linux sees writers in /proc and Windows by an exclusive open; macOS has no such evidence
// (docs/intake.md), so there only the window decides.
describe.skipIf(process.platform === 'darwin')(
  'intake: a writer that pauses longer than the window',
  () => {
    it.each([
      ['a small file (read halfway through its window)', 3_000, 2_000],
      ['a large file', 300_000, 200_000],
    ])(
      'does not take %s while its writer holds it open, and takes the complete file once closed',
      async (_, firstBytes, restBytes) => {
        const { agent, folderPaths } = await startTestAgent({
          folders: [{ stabilityWindowMs: windowMs }],
        });
        const file = path.join(folderPaths[0]!, 'download.pdf');
        const first = randomBytes(firstBytes);
        const rest = randomBytes(restBytes);
        const writer = await holdFileOpen(file, 'w');

        await writer.write(first);
        await expectNothingTakenFor(agent.store, windowMs * 4);
        await writer.write(rest);
        // Written to the end, not closed yet (a converter finishing up, a download's last check).
        await expectNothingTakenFor(agent.store, windowMs * 3);
        await writer.close();
        const closedAt = Date.now();

        const item = await waitFor(() => listAllItems(agent.store)[0], { description: 'the item' });
        const content = Buffer.concat([first, rest]);
        expect(item).toMatchObject({ sizeBytes: content.length, sha256: sha256(content) });
        expect(item.createdAt).toBeGreaterThanOrEqual(closedAt);
        await sleep(windowMs * 2);
        expect(listAllItems(agent.store)).toHaveLength(1);
      },
    );

    // Windows refuses the exclusive open to a viewer's handle as to a writer's: there a file open
    // in a viewer waits until it is closed (docs/intake.md).
    it.skipIf(process.platform === 'win32')(
      'takes a file that another program has open only to read it',
      async () => {
        const { agent, folderPaths } = await startTestAgent({
          folders: [{ stabilityWindowMs: windowMs }],
        });
        const file = path.join(folderPaths[0]!, 'scan.pdf');
        const content = randomBytes(100_000);
        fs.writeFileSync(file, content);
        const viewer = await holdFileOpen(file, 'r');

        const item = await waitFor(() => listAllItems(agent.store)[0], {
          timeoutMs: windowMs * 10,
          description: 'the item, while a viewer has the file open',
        });
        expect(item).toMatchObject({ sizeBytes: content.length, sha256: sha256(content) });
        await viewer.close();
      },
    );

    it('takes a file found held open when the agent starts only once its writer closes it', async () => {
      const folder = makeTempDir();
      const file = path.join(folder, 'conversion.pdf');
      const first = randomBytes(150_000);
      const rest = randomBytes(50_000);
      const writer = await holdFileOpen(file, 'w');
      await writer.write(first);
      const { agent } = await startTestAgent({
        folders: [{ path: folder, stabilityWindowMs: windowMs }],
      });

      await expectNothingTakenFor(agent.store, windowMs * 4);
      await writer.write(rest);
      await writer.close();

      const item = await waitFor(() => listAllItems(agent.store)[0], { description: 'the item' });
      const content = Buffer.concat([first, rest]);
      expect(item).toMatchObject({ sizeBytes: content.length, sha256: sha256(content) });
      const queued = agent.store.readEventsSince(0, 100).filter((e) => e.type === 'item.queued');
      expect(queued.map((event) => event.data)).toMatchObject([{ reason: 'caught-up' }]);
    });

    it('delivers only the complete file in demo mode when its writer pauses longer than the window', async () => {
      const dataDir = makeTempDir();
      const demo = await startDemo({ dataDir });
      onTestFinished(() => demo.close('test finished'));
      const demoWindowMs = demo.agent.config.folders[0]!.stabilityWindowMs;
      expect(demoWindowMs).toBeGreaterThanOrEqual(1_000);
      const first = randomBytes(200_000);
      const rest = randomBytes(100_000);
      const writer = await holdFileOpen(path.join(demo.watchFolder, 'scan 1.pdf'), 'w');

      await writer.write(first);
      await expectNothingTakenFor(demo.agent.store, demoWindowMs * 2.5);
      await writer.write(rest);
      await writer.close();

      const delivered = path.join(dataDir, 'demo-sharepoint', 'Documents', 'scan 1.pdf');
      const item = await waitFor(() => listAllItems(demo.agent.store)[0]?.state === 'delivered', {
        timeoutMs: 20_000,
        description: 'the file delivered',
      });
      expect(item).toBe(true);
      const content = Buffer.concat([first, rest]);
      expect(sha256(fs.readFileSync(delivered))).toBe(sha256(content));
      expect(listAllItems(demo.agent.store)).toMatchObject([
        { state: 'delivered', sizeBytes: content.length, sha256: sha256(content) },
      ]);
    });
  },
);
