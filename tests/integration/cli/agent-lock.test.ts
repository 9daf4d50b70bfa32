import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CliProcess, CollectedProcess, cliEnvironment, runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const binPath = fileURLToPath(new URL('../../../bin/sitedrop.js', import.meta.url));

/** The state letter of a process in /proc/PID/stat ('Z' for a zombie), or undefined once gone. */
function processState(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces; the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

describe('one agent per data directory (real agent processes)', () => {
  it('runs exactly one of ten agents started at once, and the other nine name it', async () => {
    const home = makeTempDir();
    const dataDir = path.join(home, 'data');
    const env = cliEnvironment(home);
    const agents = Array.from(
      { length: 10 },
      () => new CliProcess(['agent', '--data-dir', dataDir], env),
    );
    const outcomes = await Promise.all(
      agents.map((agent) =>
        Promise.race([
          agent.waitForOutput('Stop:', 110_000).then(() => 'running' as const),
          agent.exited.then((code) => code),
        ]).catch(() => agent.exited),
      ),
    );
    const running = agents.filter((_, index) => outcomes[index] === 'running');
    expect(running).toHaveLength(1);
    const [winner] = running;
    for (const [index, agent] of agents.entries()) {
      if (agent === winner) continue;
      expect(outcomes[index]).toBe(1);
      expect(agent.stderr).toContain(`Another SiteDrop agent (PID ${winner?.child.pid}, started `);
      expect(agent.stderr).toContain(`is already using ${dataDir}.`);
    }
    expect(winner?.child.exitCode).toBeNull();
  }, 120_000);

  it('refuses a second agent while the running agent’s agent.lock is half-written', async () => {
    const home = makeTempDir();
    const dataDir = path.join(home, 'data');
    const env = cliEnvironment(home);
    const first = new CliProcess(['agent', '--data-dir', dataDir], env);
    await first.waitForOutput('Stop:');
    // What a starter sees at the instant another has created the file and not yet written it.
    fs.writeFileSync(path.join(dataDir, 'agent.lock'), '{"pid":');
    const second = runCli(['agent', '--data-dir', dataDir], env);
    expect(second.stdout).not.toContain('Stop:');
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain(`is already using ${dataDir}.`);
    expect(first.child.exitCode).toBeNull();
  });

  it.skipIf(process.platform !== 'linux')(
    'starts again at once after the agent is killed, while the killed agent is still a zombie',
    async () => {
      const home = makeTempDir();
      const dataDir = path.join(home, 'data');
      const env = cliEnvironment(home);
      // The shell starts the agent, prints its PID, then becomes `sleep`, which never reaps it:
      // the killed agent stays a zombie, its PID still taken, as under a slow service manager.
      const parent = new CollectedProcess(
        'sh',
        [
          '-c',
          `"$0" "$1" agent --data-dir "$2" & echo "agent-pid $!"; exec sleep 120`,
          process.execPath,
          binPath,
          dataDir,
        ],
        { env },
      );
      await parent.waitForOutput('Stop:');
      const killedPid = Number(/agent-pid (\d+)/.exec(parent.stdout)?.[1]);

      process.kill(killedPid, 'SIGKILL');
      await waitFor(() => processState(killedPid) === 'Z', {
        description: `PID ${killedPid} to be a zombie`,
      });
      const restarted = new CliProcess(['agent', '--data-dir', dataDir], env);
      await restarted.waitForOutput('Stop:');
      expect(processState(killedPid)).toBe('Z');
      expect(restarted.stderr).not.toContain('already using');
    },
  );

  it.each([
    ['names this test runner (the lock of an agent on a PID now reused)', () => process.pid],
    ['names PID 1 (the lock of an agent before a reboot)', () => 1],
  ])('takes over an agent.lock that %s', async (_, livePid) => {
    const home = makeTempDir();
    const dataDir = path.join(home, 'data');
    fs.mkdirSync(dataDir, { mode: 0o700 });
    const previous = { pid: livePid(), hostname: os.hostname(), acquiredAt: Date.now() - 60_000 };
    fs.writeFileSync(path.join(dataDir, 'agent.lock'), JSON.stringify(previous));
    const agent = new CliProcess(['agent', '--data-dir', dataDir], cliEnvironment(home));
    await agent.waitForOutput('Stop:');
    const record = JSON.parse(fs.readFileSync(path.join(dataDir, 'agent.lock'), 'utf8')) as {
      pid: number;
    };
    expect(record.pid).toBe(agent.child.pid);
  });
});
