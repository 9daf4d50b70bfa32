import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { emulatorConfigLayer } from '../../src/main/cli/demo-command.ts';
import {
  DEMO_CLIENT_ID,
  DEMO_TENANT_ID,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
} from '../../tools/graph-emulator/index.ts';
import { CliProcess, cliEnvironment, runCli } from '../helpers/cli.ts';
import { TestFeedClient } from '../helpers/feed-client.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { sleep } from '../helpers/wait-for.ts';
import { readZipEntries } from '../helpers/zip.ts';
import { recordReliabilityFigures } from './report.ts';

const isPosix = process.platform !== 'win32';

describe('no secret leaves in clear (a full run, then a scan of everything a person can see)', () => {
  it('keeps the client secret, the certificate key, every token, the feed token and upload URLs out of logs, events, errors, the feed, the API and the diagnostics bundle', async () => {
    const home = makeTempDir('sitedrop-secrets-');
    const clientSecret = `Sd8~${crypto.randomBytes(18).toString('base64url')}`;
    const keyBody = crypto.randomBytes(48).toString('base64');
    const certificateKey = `-----BEGIN PRIVATE KEY-----\n${keyBody}\n-----END PRIVATE KEY-----`;
    const emulator = await startGraphEmulator({
      ...buildDefaultEmulatorOptions(path.join(home, 'sharepoint')),
      caFile: path.join(home, 'ca.pem'),
      clients: [{ clientId: DEMO_CLIENT_ID, tenantId: DEMO_TENANT_ID, secret: clientSecret }],
    });
    onTestFinished(() => emulator.close());
    const dataDir = path.join(home, 'data');
    const watchDir = path.join(home, 'requests');
    fs.mkdirSync(watchDir, { recursive: true });
    const configPath = path.join(home, 'config.json');
    fs.writeFileSync(
      configPath,
      JSON.stringify({
        folders: [{ id: 'requests', path: watchDir, stabilityWindowMs: 200 }],
        ...emulatorConfigLayer(emulator),
        delivery: {
          simpleUploadMaxBytes: 100_000,
          chunkSizeBytes: 327_680,
          retry: { inProcessDelaysMs: [50, 100] },
        },
        // The most talkative level, so that whatever the code logs is scanned.
        log: { level: 'trace' },
      }),
    );
    // Every error path that can carry a credential: a refused token, throttling, a dropped
    // fragment (the upload URL), a lost response, a server error, a refused permission.
    emulator.faults.add({ method: 'PUT', expireToken: true, times: 1 });
    emulator.faults.add({ method: 'PUT', path: '/_upload/', resetAfterBytes: 50_000, times: 1 });
    emulator.faults.add({
      method: 'PUT',
      path: '/content',
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    emulator.faults.add({ method: 'PUT', path: 'denied.pdf', status: 403 });
    emulator.faults.add({ method: 'POST', path: 'createUploadSession', status: 500, times: 1 });
    emulator.faults.add({ method: 'GET', path: '/_upload/', status: 404, times: 1 });

    const env = cliEnvironment(home, {
      SITEDROP_CLIENT_SECRET: clientSecret,
      SITEDROP_CERTIFICATE_KEY: certificateKey,
    });
    const args = ['agent', '--data-dir', dataDir, '--config', configPath];
    const agent = new CliProcess(args, env);
    await agent.waitForOutput('Stop:');
    const feedToken = fs.readFileSync(path.join(dataDir, 'feed-token'), 'utf8').trim();
    const feedUrl = /Dashboard:\s+(http:\/\/127\.0\.0\.1:(\d+))\//.exec(agent.stdout);
    expect(feedUrl).not.toBeNull();
    const port = Number(feedUrl![2]);
    const feed = await TestFeedClient.connect({ port, token: feedToken });

    const files = {
      'note.txt': 'delivery note',
      'survey.bin': crypto.randomBytes(900_000),
      'denied.pdf': 'SharePoint refuses this one',
      'later.txt': 'after a token refresh',
    };
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(watchDir, name), content);
    }
    const isSettled = () => {
      const items = readRows(dataDir, 'SELECT state FROM items') as { state: string }[];
      return (
        items.length === Object.keys(files).length &&
        items.every((item) => ['delivered', 'failed'].includes(item.state))
      );
    };
    const deadline = Date.now() + 30_000;
    while (!isSettled()) {
      if (Date.now() > deadline) throw new Error(`not settled:\n${agent.stdout}\n${agent.stderr}`);
      await sleep(100);
    }

    // What the UI sees: the feed (every message so far), its commands, the HTTP API.
    const uiData: string[] = [];
    const itemIds = (readRows(dataDir, 'SELECT id FROM items') as { id: number }[]).map(
      (row) => row.id,
    );
    for (const itemId of itemIds) {
      uiData.push(JSON.stringify(await feed.request('getItem', { itemId })));
      uiData.push(await apiGet(port, feedToken, `/api/items/${itemId}`));
    }
    uiData.push(JSON.stringify(await feed.request('getSettings', {})));
    uiData.push(JSON.stringify(await feed.request('getStatus', {})));
    uiData.push(JSON.stringify(await feed.request('testConnection', {})));
    for (const route of ['/api/status', '/api/snapshot', '/api/items']) {
      uiData.push(await apiGet(port, feedToken, route));
    }
    await sleep(300);
    uiData.push(...feed.received.map((message) => JSON.stringify(message)));

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);

    // The state the run must have reached, so the scan covers real errors and real tokens.
    const states = readRows(
      dataDir,
      'SELECT relative_path AS path, state, last_error_code AS code FROM items',
    );
    expect(states).toContainEqual({ path: 'denied.pdf', state: 'failed', code: 'graph.forbidden' });
    expect(states.filter((row) => (row as { state: string }).state === 'delivered')).toHaveLength(
      3,
    );
    const secretsFile = fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8');
    const accessTokens = [...secretsFile.matchAll(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g)].map(
      (match) => match[0],
    );
    expect(accessTokens.length).toBeGreaterThan(0);

    const bundleFile = path.join(home, 'bundle.zip');
    const doctor = runCli(
      ['doctor', '--data-dir', dataDir, '--config', configPath, '--bundle', bundleFile],
      env,
    );
    expect(doctor.stdout).toContain('Diagnostics bundle written');
    const bundle = await readZipEntries(fs.readFileSync(bundleFile));

    // Everything a person, a support engineer or the UI can see.
    const seen: [string, string][] = [];
    for (const file of listFiles(path.join(dataDir, 'logs'))) {
      seen.push([`log ${path.basename(file)}`, fs.readFileSync(file, 'utf8')]);
    }
    // The Dashboard line is the one place the feed token is meant to be shown (stdout only).
    const stdout = agent.stdout
      .split('\n')
      .filter((line) => !line.startsWith('Dashboard:'))
      .join('\n');
    seen.push(['agent stdout', stdout], ['agent stderr', agent.stderr]);
    seen.push(['doctor output', doctor.stdout + doctor.stderr]);
    for (const [name, text] of bundle) seen.push([`bundle ${name}`, text]);
    for (const row of readRows(dataDir, 'SELECT type, data FROM events')) {
      seen.push(['event', JSON.stringify(row)]);
    }
    for (const row of readRows(dataDir, 'SELECT error_code, error_message FROM attempts')) {
      seen.push(['attempt error', JSON.stringify(row)]);
    }
    for (const row of readRows(
      dataDir,
      'SELECT last_error_code, last_error_message, remote_url FROM items',
    )) {
      seen.push(['item error', JSON.stringify(row)]);
    }
    uiData.forEach((text, index) => seen.push([`ui data ${index}`, text]));
    expect(seen.some(([, text]) => text.includes('graph.forbidden'))).toBe(true);

    const secrets: [string, string][] = [
      ['client secret', clientSecret],
      ['certificate key', keyBody],
      ['feed token', feedToken],
      ...accessTokens.map((token, index): [string, string] => [`access token ${index + 1}`, token]),
    ];
    const leaks: string[] = [];
    for (const [where, text] of seen) {
      for (const [what, value] of secrets) {
        if (text.includes(value)) leaks.push(`${what} in ${where}`);
      }
      // Any bearer token, and any upload URL credential, even ones this test never saw.
      if (/eyJ[\w-]{10,}\.[\w-]{10,}/.test(text)) leaks.push(`a JWT in ${where}`);
      if (/tempauth/i.test(text)) leaks.push(`an upload URL credential in ${where}`);
    }
    expect(leaks).toEqual([]);
    expect(seen.length).toBeGreaterThan(20);

    // Owner-only files: the data directory, the database, secrets, the feed token, logs, bundle.
    const loose: string[] = [];
    if (isPosix) {
      const paths = [dataDir, ...listFiles(dataDir, true), bundleFile];
      for (const file of paths) {
        const mode = fs.statSync(file).mode & 0o777;
        if ((mode & 0o077) !== 0) loose.push(`${path.relative(home, file)} ${mode.toString(8)}`);
      }
    }
    expect(loose).toEqual([]);
    recordReliabilityFigures('secretScan', {
      secretsTracked: secrets.length,
      placesScanned: seen.length,
      leaks: leaks.length,
      filesCheckedForOwnerOnlyMode: isPosix ? listFiles(dataDir, true).length + 2 : 0,
      looseModes: loose.length,
    });
  }, 90_000);
});

function readRows(dataDir: string, sql: string): unknown[] {
  const file = path.join(dataDir, 'sitedrop.db');
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

function listFiles(root: string, withDirectories = false): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile() || (withDirectories && entry.isDirectory()))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

async function apiGet(port: number, token: string, route: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status, route).toBe(200);
  return response.text();
}
