import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnvironment, runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { readZipEntries } from '../../helpers/zip.ts';

const clientSecret = 'Qk8~client-secret-value-for-the-bundle-test';
const feedToken = 'feedtokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const bearerToken = 'opaque-bearer-token-7f3a9c21d4e5b6a7';
const certificateKeyLine = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ';

/** A data directory as a desktop user who hit a problem would have it. */
function prepareDataDir(home: string): string {
  const dataDir = path.join(home, '.config', 'sitedrop');
  fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(dataDir, 'secrets.json'),
    JSON.stringify({
      'auth.clientSecret': clientSecret,
      'auth.certificateKey': `-----BEGIN RSA KEY-----\n${certificateKeyLine}\n-----END RSA KEY-----`,
    }),
    { mode: 0o600 },
  );
  fs.writeFileSync(path.join(dataDir, 'feed-token'), `${feedToken}\n`, { mode: 0o600 });
  fs.writeFileSync(
    path.join(dataDir, 'logs', 'sitedrop.1.log'),
    [
      '{"level":30,"msg":"Agent started","marker":"first-log-line"}',
      `{"level":50,"msg":"Graph said 401 to Authorization: Bearer ${bearerToken}"}`,
      `{"level":50,"msg":"an old build logged the secret ${clientSecret} and ${certificateKeyLine}"}`,
      `{"level":30,"msg":"dashboard http://127.0.0.1:47821/#token=${feedToken}"}`,
      `{"level":30,"msg":"feed token in a path /feed?x=${feedToken}"}`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dataDir, 'logs', 'sitedrop.2.log'), '{"marker":"second-log-file"}\n');
  return dataDir;
}

describe('sitedrop doctor --bundle', () => {
  it('writes a zip with the logs, the config, the doctor output and the versions', async () => {
    const home = makeTempDir();
    const dataDir = prepareDataDir(home);
    fs.writeFileSync(
      path.join(dataDir, 'config.json'),
      JSON.stringify({ sharepoint: { siteUrl: 'https://contoso.sharepoint.com/sites/Office' } }),
    );
    const bundleFile = path.join(home, 'bundle.zip');
    const result = runCli(['doctor', '--bundle', bundleFile], cliEnvironment(home));
    expect(result.stdout).toContain(`Diagnostics bundle written to ${bundleFile}`);

    const entries = await readZipEntries(fs.readFileSync(bundleFile));
    expect([...entries.keys()]).toEqual(
      expect.arrayContaining([
        'logs/sitedrop.1.log',
        'logs/sitedrop.2.log',
        'config/user-config.json',
        'config/policy.json',
        'doctor.txt',
        'versions.json',
        'README.txt',
      ]),
    );
    expect(entries.get('logs/sitedrop.1.log')).toContain('first-log-line');
    expect(entries.get('logs/sitedrop.2.log')).toContain('second-log-file');
    expect(entries.get('config/user-config.json')).toContain('contoso.sharepoint.com/sites/Office');
    expect(entries.get('doctor.txt')).toContain('data directory');
    expect(JSON.parse(entries.get('versions.json') ?? '{}')).toMatchObject({
      sitedrop: expect.any(String),
      node: process.versions.node,
    });
    if (process.platform !== 'win32') {
      expect(fs.statSync(bundleFile).mode & 0o777).toBe(0o600);
    }
  });

  it('leaves out every secret: the client secret, the key, the feed token and bearer tokens', async () => {
    const home = makeTempDir();
    const dataDir = prepareDataDir(home);
    // A user pasted the secret into the config file by mistake (the agent refuses such a file).
    fs.writeFileSync(
      path.join(dataDir, 'config.json'),
      JSON.stringify({ auth: { clientSecret, clientId: 'app-id' } }),
    );
    const bundleFile = path.join(home, 'bundle.zip');
    runCli(['doctor', '--bundle', bundleFile], cliEnvironment(home));

    const entries = await readZipEntries(fs.readFileSync(bundleFile));
    expect(entries.size).toBeGreaterThan(5);
    expect([...entries.keys()]).not.toContain('secrets.json');
    for (const [name, text] of entries) {
      for (const secret of [clientSecret, feedToken, bearerToken, certificateKeyLine]) {
        expect(text.includes(secret), `${secret} appears in ${name}`).toBe(false);
      }
    }
    expect(entries.get('logs/sitedrop.1.log')).toContain('Bearer [redacted]');
    expect(entries.get('config/user-config.json')).toContain('"clientId": "app-id"');
    // The raw zip holds no secret either (entries could be stored uncompressed).
    const raw = fs.readFileSync(bundleFile).toString('latin1');
    for (const secret of [clientSecret, feedToken, bearerToken]) expect(raw).not.toContain(secret);
  });

  it('still writes the bundle when the config is broken, which is when it is needed most', async () => {
    const home = makeTempDir();
    const dataDir = prepareDataDir(home);
    fs.writeFileSync(path.join(dataDir, 'config.json'), '{ "feed": { "port": ');
    const bundleFile = path.join(home, 'bundle.zip');
    const result = runCli(['doctor', '--bundle', bundleFile], cliEnvironment(home));
    expect(result.exitCode).toBe(1);
    const entries = await readZipEntries(fs.readFileSync(bundleFile));
    expect(entries.get('config/user-config.json')).toContain('"port":');
    expect(entries.get('doctor.txt')).toContain('[FAIL] config');
  });
});
