import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.ts';
import { killHard, sha256Of, startAgentHome } from './agent-process.ts';

const mebibyte = 1024 * 1024;

describe('a real agent killed in the middle of a download', () => {
  it('resumes from its stored offset after SIGKILL: one file, identical bytes, never partial under its name', async () => {
    const home = await startAgentHome();
    // Larger than the agent's 8 MiB between syncs, so an offset is stored before the kill.
    const content = randomBytes(20 * mebibyte);
    await home.emulator.remote.putFile({ path: 'Answers/survey.bin' }, content);
    // The first download hangs after 12 MiB, so the kill lands while the partial file grows.
    home.emulator.faults.add({ path: '/_download/', stallAfterBytes: 12 * mebibyte, times: 1 });
    const finalPath = path.join(home.localFolder, 'survey.bin');
    const seenSizes = new Set<number>();
    const watchFinalName = () => {
      if (fs.existsSync(finalPath)) seenSizes.add(fs.statSync(finalPath).size);
    };

    const first = home.start();
    const interrupted = await waitFor(
      () => {
        watchFinalName();
        const response = home.responses()[0];
        if (!response || response.download_offset === 0) return false;
        return home.partialSizeBytes(response.id) === 12 * mebibyte && response;
      },
      { timeoutMs: 60_000, description: 'a partial file of 12 MiB with a stored offset' },
    );
    await killHard(first);
    const storedOffset = home.responses()[0]!.download_offset;
    expect(storedOffset).toBeGreaterThan(0);
    expect(storedOffset).toBeLessThan(12 * mebibyte);
    expect(home.visibleNames()).toEqual([]);

    const second = home.start();
    await waitFor(
      () => {
        watchFinalName();
        // Ready, and the partial's name removed (which follows the commit).
        return home.responses()[0]?.state === 'ready' && home.partialSizeBytes(interrupted.id) < 0;
      },
      { timeoutMs: 60_000, description: 'the response ready after the restart' },
    );
    await killHard(second);

    const ranges = home.downloads().map((record) => record.range);
    expect(ranges).toEqual([undefined, `bytes=${storedOffset}-`]);
    expect(home.downloads().at(-1)?.status).toBe(206);
    expect(home.responses()).toMatchObject([{ id: interrupted.id, state: 'ready' }]);
    expect(home.visibleNames()).toEqual(['survey.bin']);
    expect(sha256Of(finalPath)).toBe(sha256Of(content));
    expect([...seenSizes]).toEqual([content.length]);
    expect(home.partialSizeBytes(interrupted.id)).toBe(-1);
  }, 150_000);
});
