import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliProcess, cliEnvironment, runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

describe('sitedrop agent (a real process)', () => {
  it('starts on the embedded defaults and says where it watches, where data lives and how to see status', async () => {
    const home = makeTempDir();
    const agent = new CliProcess(['agent'], cliEnvironment(home));
    await agent.waitForOutput('Stop:');
    const dataDir = path.join(home, '.config', 'sitedrop');
    const requestFolder = path.join(home, 'SiteDrop', 'Requests');
    const lines = agent.stdout.split('\n');
    expect(lines[1]).toBe(`Watching:   ${requestFolder}  (folder "requests")`);
    expect(lines[2]).toBe(`Data:       ${dataDir}  (database, logs, settings)`);
    expect(lines[3]).toContain('npx sitedrop status');
    expect(agent.stdout).toContain('SharePoint: not connected. Files are kept safely queued');
    // A new install signs in as a person: the way to connect is a client id and sitedrop login.
    expect(agent.stdout).toContain(`then sign in: npx sitedrop login --data-dir "${dataDir}"`);
    expect(agent.stdout).not.toContain('SITEDROP_CLIENT_SECRET');
    expect(fs.statSync(requestFolder).isDirectory()).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'sitedrop.db'))).toBe(true);

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'agent.lock'))).toBe(false);
  });

  it('stops with a sentence naming the request folder and the fix when it cannot create it', () => {
    const home = makeTempDir();
    const blocker = path.join(home, 'SiteDrop');
    fs.writeFileSync(blocker, 'a file where the folder goes');
    const result = runCli(['agent'], cliEnvironment(home));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `Cannot create the request folder ${path.join(blocker, 'Requests')} (ENOTDIR). ` +
        'Move away a file that stands in its path',
    );
    expect(result.stderr).toContain('`sitedrop doctor` shows which.');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(fs.readFileSync(blocker, 'utf8')).toBe('a file where the folder goes');
  });

  it('refuses a second agent on the same data directory, naming the PID that holds it', async () => {
    const home = makeTempDir();
    const env = cliEnvironment(home);
    const first = new CliProcess(['agent'], env);
    await first.waitForOutput('Stop:');
    const second = runCli(['agent'], env);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain(`Another SiteDrop agent (PID ${first.child.pid}, started `);
    expect(second.stderr).toContain(`is already using ${path.join(home, '.config', 'sitedrop')}.`);
    expect(first.child.exitCode).toBeNull();
  });

  it('takes over a lock left by an agent that was killed', async () => {
    const home = makeTempDir();
    const env = cliEnvironment(home);
    const first = new CliProcess(['agent'], env);
    await first.waitForOutput('Stop:');
    first.child.kill('SIGKILL');
    await first.exited;
    const second = new CliProcess(['agent'], env);
    await second.waitForOutput('Stop:');
  });

  it('lets status read the database while the agent runs', async () => {
    const home = makeTempDir();
    const env = cliEnvironment(home);
    const agent = new CliProcess(['agent'], env);
    await agent.waitForOutput('Stop:');
    const status = runCli(['status', '--json'], env);
    expect(status.exitCode).toBe(0);
    const report = JSON.parse(status.stdout) as {
      counts: Record<string, number>;
      items: unknown[];
    };
    expect(report.counts).toMatchObject({ queued: 0, delivered: 0, failed: 0 });
    expect(report.items).toEqual([]);
    const human = runCli(['status'], env);
    expect(human.stdout).toContain(`agent running, PID ${agent.child.pid}`);
  });

  it('does not start on a bad config, and says which file and field to fix', () => {
    const home = makeTempDir();
    const dataDir = path.join(home, 'data');
    fs.mkdirSync(dataDir);
    fs.writeFileSync(
      path.join(dataDir, 'config.json'),
      JSON.stringify({ feed: { port: 'eighty' } }),
    );
    const result = runCli(['agent', '--data-dir', dataDir], cliEnvironment(home));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${path.join(dataDir, 'config.json')}: feed.port:`);
    expect(result.stderr).toContain('(got "eighty")');
    expect(fs.existsSync(path.join(dataDir, 'agent.lock'))).toBe(false);
  });

  it('lets the policy file win over the user config', () => {
    const home = makeTempDir();
    const env = cliEnvironment(home);
    const dataDir = path.join(home, 'data');
    fs.mkdirSync(dataDir, { mode: 0o700 });
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ feed: { port: 'x' } }));
    fs.writeFileSync(env.SITEDROP_POLICY_FILE as string, JSON.stringify({ feed: { port: 48000 } }));
    const result = runCli(['doctor', '--data-dir', dataDir], env);
    expect(result.stdout).toMatch(/\[ok {2}\] config/);
  });
});

describe('sitedrop doctor', () => {
  it('prints one line per check and fails when the data directory is open to others', () => {
    const home = makeTempDir();
    const dataDir = path.join(home, 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const result = runCli(['doctor', '--data-dir', dataDir], cliEnvironment(home));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/\[FAIL\] data directory .*chmod 700/);
    expect(result.stdout).toMatch(/\[ok {2}\] config/);
    fs.chmodSync(dataDir, 0o700);
    fs.mkdirSync(path.join(home, 'SiteDrop', 'Requests'), { recursive: true });
    const fixed = runCli(['doctor', '--data-dir', dataDir], cliEnvironment(home));
    expect(fixed.stdout).toMatch(/\[warn\] sharepoint +no tenant configured/);
    expect(fixed.exitCode).toBe(0);
  });
});
