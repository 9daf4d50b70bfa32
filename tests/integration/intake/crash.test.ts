import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliProcess, cliEnvironment, runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { sleep, waitFor } from '../../helpers/wait-for.ts';

interface StatusItem {
  id: number;
  path: string;
  state: string;
}

function statusItems(env: NodeJS.ProcessEnv): StatusItem[] {
  const result = runCli(['status', '--json', '--all'], env);
  if (result.exitCode !== 0) return [];
  return (JSON.parse(result.stdout) as { items: StatusItem[] }).items;
}

describe('intake: a killed agent (a real process)', () => {
  it('keeps an item committed just before SIGKILL, and does not queue it twice after restart', async () => {
    const home = makeTempDir();
    const env = cliEnvironment(home);
    const dataDir = path.join(home, '.config', 'sitedrop');
    const folder = path.join(home, 'SiteDrop', 'Requests');
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(dataDir, 'config.json'),
      JSON.stringify({ folders: [{ id: 'requests', path: folder, stabilityWindowMs: 200 }] }),
    );

    const first = new CliProcess(['agent'], env);
    await first.waitForOutput('Stop:');
    fs.writeFileSync(path.join(folder, 'delivery-note.pdf'), 'signed delivery note');
    const [queued] = await waitFor(
      () => {
        const items = statusItems(env);
        return items.some((item) => item.state === 'queued') && items;
      },
      { timeoutMs: 15_000, description: 'the file to be queued' },
    );
    first.child.kill('SIGKILL');
    await first.exited;

    const second = new CliProcess(['agent'], env);
    await second.waitForOutput('Stop:');
    // A file dropped after the restart proves the restarted agent is watching and recording.
    fs.writeFileSync(path.join(folder, 'after-restart.pdf'), 'after');
    await waitFor(() => statusItems(env).some((item) => item.path === 'after-restart.pdf'), {
      timeoutMs: 15_000,
      description: 'the second file to be queued',
    });
    await sleep(600);
    const items = statusItems(env);
    expect(items.filter((item) => item.path === 'delivery-note.pdf')).toEqual([
      { ...queued, state: 'queued' },
    ]);
    expect(items).toHaveLength(2);
  });
});
