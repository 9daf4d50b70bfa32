import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startAgent } from '../../../src/main/core/agent.ts';
import type { ServerMessage } from '../../../src/shared/feed-protocol.ts';
import { CliProcess, cliEnvironment, runCli } from '../../helpers/cli.ts';
import { httpRequest, TestFeedClient } from '../../helpers/feed-client.ts';
import { queueItem } from '../../helpers/store.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

async function startTestAgentOn(dataDir: string) {
  const agent = await startAgent({
    dataDir,
    defaults: { folders: [], log: { level: 'debug' } },
    policyPath: path.join(dataDir, 'no-policy.json'),
  });
  onTestFinished(() => agent.close('test finished'));
  return agent;
}

function readLogs(dataDir: string): string {
  const logDir = path.join(dataDir, 'logs');
  return fs
    .readdirSync(logDir)
    .map((name) => fs.readFileSync(path.join(logDir, name), 'utf8'))
    .join('\n');
}

describe('the feed in the agent', () => {
  it('prints the dashboard address with the token, which works and never reaches the log', async () => {
    const home = makeTempDir();
    const dataDir = path.join(home, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(
      path.join(dataDir, 'config.json'),
      JSON.stringify({ log: { level: 'trace' } }),
    );
    const agent = new CliProcess(['agent', '--data-dir', dataDir], cliEnvironment(home));
    await agent.waitForOutput('Stop:');
    const match = /^Dashboard: {2}http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]{43})$/m.exec(
      agent.stdout,
    );
    expect(match, agent.stdout).not.toBeNull();
    const [, port, token] = match as unknown as [string, string, string];
    expect(fs.readFileSync(path.join(dataDir, 'feed-token'), 'utf8').trim()).toBe(token);
    expect(fs.statSync(path.join(dataDir, 'feed-token')).mode & 0o777).toBe(0o600);

    const address = { port: Number(port), token };
    expect((await httpRequest(address.port, 'GET', '/api/status', { token })).status).toBe(200);
    expect(
      (await httpRequest(address.port, 'GET', '/api/status', { token: `${token}x` })).status,
    ).toBe(401);
    const client = await TestFeedClient.connect(address);
    expect((await client.request('getSettings', {})).ok).toBe(true);
    client.send('not json');
    await client.waitFor((message): message is ServerMessage => message.type === 'error');
    client.close();

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    const logs = readLogs(dataDir);
    expect(logs).toContain('Status feed listening');
    expect(logs).not.toContain(token);
  });

  it('registers the token with the redactor, so even a careless log line hides it', async () => {
    const dataDir = makeTempDir();
    const agent = await startTestAgentOn(dataDir);
    agent.logger.info({ note: `the token is ${agent.feed.token}` }, `token ${agent.feed.token}`);
    await agent.close();
    const logs = readLogs(dataDir);
    expect(logs).toContain('the token is [redacted]');
    expect(logs).not.toContain(agent.feed.token);
  });

  it('does not start on a busy port, and says which port and which setting to change', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as net.AddressInfo).port;
    const home = makeTempDir();
    const dataDir = path.join(home, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ feed: { port } }));
    const result = runCli(
      ['agent', '--data-dir', dataDir],
      cliEnvironment(home, { SITEDROP_FEED_PORT: '' }),
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`The status port ${port} on 127.0.0.1 is already in use`);
    expect(result.stderr).toContain(`Set feed.port in ${path.join(dataDir, 'config.json')}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dataDir, 'agent.lock'))).toBe(false);
  });

  it('applies saved settings to the running agent without a restart', async () => {
    const dataDir = makeTempDir();
    const agent = await startTestAgentOn(dataDir);
    const client = await TestFeedClient.connect(agent.feed);
    const reply = await client.request('saveSettings', { config: { log: { level: 'warn' } } });
    expect(reply).toMatchObject({ ok: true, result: { changedFields: ['log.level'] } });
    expect(agent.config.log.level).toBe('warn');
    expect(agent.logger.level).toBe('warn');
  });

  it('resumes after the agent restarts without losing an event', async () => {
    const dataDir = makeTempDir();
    const first = await startTestAgentOn(dataDir);
    const client = await TestFeedClient.connect(first.feed);
    const hello = await client.waitFor(
      (message): message is Extract<ServerMessage, { type: 'hello' }> => message.type === 'hello',
    );
    queueItem(first.store, { relativePath: 'before.pdf' });
    await first.close();
    expect((await client.closed).code).toBe(1001);
    const lastSeq = client.events().at(-1)?.seq ?? hello.seq;
    expect(client.events().map((event) => event.seq)).toEqual(range(hello.seq + 1, lastSeq));
    expect(client.events().at(-1)?.type).toBe('agent.stopped');

    const second = await startTestAgentOn(dataDir);
    expect(second.feed.token).toBe(first.feed.token);
    queueItem(second.store, { relativePath: 'after.pdf' });
    const again = await TestFeedClient.connect(second.feed, { lastSeq, logId: hello.logId });
    const after = await again.waitFor(
      (message): message is Extract<ServerMessage, { type: 'event' }> =>
        message.type === 'event' && message.event.type === 'item.queued',
    );
    expect(again.received[0]).toMatchObject({
      type: 'hello',
      logId: hello.logId,
      sync: { mode: 'events', fromSeq: lastSeq },
    });
    // Every event from the first one the client missed, none twice, none skipped.
    expect(again.events().map((event) => event.seq)).toEqual(range(lastSeq + 1, after.event.seq));
    expect(again.events()[0]?.type).toBe('agent.started');
  });
});

function range(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, index) => first + index);
}
