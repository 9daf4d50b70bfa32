import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { waitFor } from '../helpers/wait-for.ts';
import {
  killHard,
  sha256Of,
  startAgentHome,
  type StoredResponse,
} from '../integration/responses/agent-process.ts';

type Home = Awaited<ReturnType<typeof startAgentHome>>;

const mebibyte = 1024 * 1024;
/** Larger than the agent's 8 MiB between syncs; hashing it keeps `verifying` visible a while. */
const sizeBytes = 40 * mebibyte;
const name = 'site survey.bin';

/**
 * Holds SQLite's write lock on the agent's database: the agent's next commit waits (its
 * busy_timeout), so the agent stands still right before that commit.
 */
function holdWriteLock(home: Home): () => void {
  const db = new Database(path.join(home.dataDir, 'sitedrop.db'));
  db.exec('BEGIN IMMEDIATE');
  const release = () => {
    if (!db.open) return;
    db.exec('ROLLBACK');
    db.close();
  };
  onTestFinished(release);
  return release;
}

interface KillPoint {
  step: string;
  /**
   * Sets up and waits for the moment, then says what must hold at the kill; `afterKill` takes
   * what to undo once the agent is gone.
   */
  reach(
    home: Home,
    finalPath: string,
    afterKill: Array<() => void>,
  ): Promise<(response: StoredResponse) => void>;
}

const killPoints: KillPoint[] = [
  {
    step: 'before the first byte is written',
    async reach(home) {
      home.emulator.faults.add({ path: '/_download/', stallAfterBytes: 0, times: 1 });
      await waitFor(() => home.downloads().length === 1, { timeoutMs: 60_000 });
      return (response) => {
        expect(response.state).toBe('downloading');
        expect(home.partialSizeBytes(response.id)).toBeLessThanOrEqual(0);
      };
    },
  },
  {
    step: 'in the middle of writing, past the last synced offset',
    async reach(home) {
      home.emulator.faults.add({ path: '/_download/', stallAfterBytes: 12 * mebibyte, times: 1 });
      await waitFor(
        () => {
          const response = home.responses()[0];
          return response && home.partialSizeBytes(response.id) === 12 * mebibyte;
        },
        { timeoutMs: 60_000 },
      );
      return (response) => {
        expect(response.state).toBe('downloading');
        expect(response.download_offset).toBeGreaterThan(0);
        expect(home.partialSizeBytes(response.id)).toBeGreaterThan(response.download_offset);
      };
    },
  },
  {
    step: 'after the last sync, before the rename into place',
    async reach(home, finalPath) {
      await waitFor(() => home.responses()[0]?.state === 'verifying', {
        timeoutMs: 60_000,
        intervalMs: 1,
      });
      return (response) => {
        expect(response.state).toBe('verifying');
        expect(home.partialSizeBytes(response.id)).toBe(sizeBytes);
        expect(fs.existsSync(finalPath)).toBe(false);
      };
    },
  },
  {
    step: "after the rename into place, before the store's commit",
    async reach(home, finalPath, afterKill) {
      await waitFor(() => home.responses()[0]?.state === 'verifying', {
        timeoutMs: 60_000,
        intervalMs: 1,
      });
      // markReady is the next commit after the link: the agent stops right before it.
      afterKill.push(holdWriteLock(home));
      await waitFor(() => fs.existsSync(finalPath), { timeoutMs: 4_000, intervalMs: 1 });
      return (response) => {
        expect(response.state).toBe('verifying');
        expect(fs.statSync(finalPath).size).toBe(sizeBytes);
      };
    },
  },
];

describe('a real agent killed at each step of a download', () => {
  for (const point of killPoints) {
    it(`killed ${point.step}: after a restart the response is ready once, identical, never partial under its name`, async () => {
      const home = await startAgentHome();
      const content = randomBytes(sizeBytes);
      await home.emulator.remote.putFile({ path: `Answers/${name}` }, content);
      const finalPath = path.join(home.localFolder, name);
      const seenSizes = new Set<number>();
      const sample = setInterval(() => {
        if (fs.existsSync(finalPath)) seenSizes.add(fs.statSync(finalPath).size);
      }, 2);
      onTestFinished(() => clearInterval(sample));

      const first = home.start();
      const afterKill: Array<() => void> = [];
      const expectAtKill = await point.reach(home, finalPath, afterKill);
      await killHard(first);
      for (const undo of afterKill) undo();
      const [atKill] = home.responses();
      expect(atKill).toBeDefined();
      expectAtKill(atKill!);

      const second = home.start();
      await waitFor(
        () => home.responses()[0]?.state === 'ready' && home.partialSizeBytes(atKill!.id) < 0,
        { timeoutMs: 90_000, description: 'the response ready after the restart' },
      );
      await killHard(second);
      clearInterval(sample);

      expect(home.responses()).toMatchObject([{ id: atKill!.id, state: 'ready' }]);
      expect(home.visibleNames()).toEqual([name]);
      expect(sha256Of(finalPath)).toBe(sha256Of(content));
      expect([...seenSizes]).toEqual([sizeBytes]);
    }, 180_000);
  }
});

describe('a real agent killed while it reads delta pages', () => {
  it('killed between two delta pages: after a restart every response is brought once', async () => {
    const home = await startAgentHome();
    const count = 450;
    for (let index = 0; index < count; index += 1) {
      await home.emulator.remote.putFile(
        { path: `Answers/answer ${index}.txt` },
        `answer ${index}`,
      );
    }
    // The second page of the first enumeration is held back; the kill lands while it waits.
    // (The first rule takes the first page and changes nothing; the second holds the next.)
    // Next links take the function form (`…/microsoft.graph.delta(token='…')`), so match 'delta'.
    home.emulator.faults.add({ path: 'delta', times: 1 });
    home.emulator.faults.add({ path: 'delta', delayMs: 30_000, times: 1 });
    const first = home.start();
    const deltaRequests = () =>
      home.emulator.requestLog.filter((record) => record.path.includes('delta'));
    await waitFor(() => deltaRequests().length >= 2, {
      timeoutMs: 60_000,
      description: 'the second delta page asked for',
    });
    expect(deltaRequests()[0]?.status).toBe(200);
    expect(deltaRequests()[1]?.status).toBe(0);
    await killHard(first);
    // Nothing is applied before the last page: the inbox is empty and nothing was downloaded.
    expect(home.responses()).toEqual([]);
    expect(home.downloads()).toEqual([]);

    const second = home.start();
    await waitFor(
      () => {
        const all = home.responses();
        return all.length === count && all.every((response) => response.state === 'ready');
      },
      { timeoutMs: 120_000, description: `${count} responses ready` },
    );
    await killHard(second);
    expect(home.visibleNames()).toHaveLength(count);
    const downloaded = home.downloads().map((record) => record.path);
    expect(new Set(downloaded).size).toBe(count);
    expect(downloaded).toHaveLength(count);
    expect(fs.readFileSync(path.join(home.localFolder, 'answer 449.txt'), 'utf8')).toBe(
      'answer 449',
    );
  }, 240_000);
});
