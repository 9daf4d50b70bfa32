/**
 * The real things the browser talks to, as separate processes: `sitedrop emulator` (the
 * Graph/SharePoint emulator, driven through its control API for fault injection) and
 * `sitedrop agent` configured for it. Each close() stops its process and waits for it to exit.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cliPath = path.join(repoRoot, 'bin', 'sitedrop.js');

/** The demo app registration the emulator knows (docs/graph-emulator.md). */
export const demoTenantId = '5d1c0a6e-7f3b-4c2a-9e51-0d3e5a7b9c11';
export const demoClientId = '3f6b2c1d-8e4a-4b7f-a2c9-5e1d7f3a9b24';
export const demoClientSecret = 'sitedrop-demo-secret';
export const demoSiteUrl = 'https://contoso.sharepoint.com/sites/SiteOffice';
export const demoLibrary = 'Documents';

/** A fault rule as the emulator's control API takes it (docs/graph-emulator.md). */
export interface FaultRule {
  method?: string;
  path?: string;
  pathPattern?: string;
  times?: number;
  delayMs?: number;
  status?: number;
  code?: string;
  message?: string;
  /** Send `Retry-After` with this many seconds (needs `status`). */
  retryAfterSeconds?: number;
}

/** A running `sitedrop emulator`. */
export interface EmulatorProcess {
  graphBaseUrl: string;
  authorityHost: string;
  caFile: string;
  rootDir: string;
  addFault(rule: FaultRule): Promise<string>;
  clearFaults(): Promise<void>;
  /** One control API call (`/_emulator/<pathname>`, docs/graph-emulator.md). */
  control(
    method: string,
    pathname: string,
    body?: unknown,
  ): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** A running `sitedrop agent`. */
export interface AgentProcess {
  /** `http://127.0.0.1:PORT/#token=…`, as the agent printed it. */
  dashboardUrl: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  port: number;
  token: string;
  output(): string;
  close(): Promise<void>;
}

/** Starts `sitedrop emulator --port 0 --root DIR` and reads its addresses from its output. */
export async function startEmulatorProcess(directory: string): Promise<EmulatorProcess> {
  const rootDir = path.join(directory, 'sharepoint');
  const child = spawnCli(['emulator', '--port', '0', '--root', rootDir], {});
  const output = await readOutputUntil(child, /Control API:.*x-emulator-control-token: (\S+)/);
  const graphBaseUrl = match(output, /Graph base URL:\s+(\S+)/);
  const authority = match(output, /Authority:\s+(\S+)/);
  const caFile = match(output, /CA certificate:\s+(\S+)/);
  const controlToken = match(output, /x-emulator-control-token: (\S+)/);
  const ca = fs.readFileSync(caFile);
  const origin = new URL(graphBaseUrl).origin;
  const control = (method: string, pathname: string, body?: unknown) =>
    httpsRequest(`${origin}/_emulator/${pathname}`, method, ca, controlToken, body);
  return {
    graphBaseUrl,
    authorityHost: authority.slice(0, authority.lastIndexOf('/')),
    caFile,
    rootDir,
    async addFault(rule) {
      const response = await control('POST', 'faults', rule);
      if (response.status !== 201)
        throw new Error(`The emulator refused a fault rule: ${response.body}`);
      return (JSON.parse(response.body) as { id: string }).id;
    },
    async clearFaults() {
      await control('DELETE', 'faults');
    },
    control,
    close: () => stopProcess(child),
  };
}

/** What the agent's config file holds for a test, pointing at an emulator. */
export function emulatorAgentConfig(
  emulator: Pick<EmulatorProcess, 'authorityHost' | 'graphBaseUrl' | 'caFile'>,
  watchFolder: string,
  overrides: {
    siteUrl?: string | null;
    delivery?: Record<string, unknown>;
    folder?: Record<string, unknown>;
    auth?: Record<string, unknown>;
  } = {},
): Record<string, unknown> {
  return {
    folders: [
      {
        id: 'office',
        path: watchFolder,
        label: 'Site office',
        stabilityWindowMs: 300,
        ...overrides.folder,
      },
    ],
    sharepoint: {
      // null: none, as a new install has.
      ...(overrides.siteUrl === null ? {} : { siteUrl: overrides.siteUrl ?? demoSiteUrl }),
      library: demoLibrary,
      cloud: 'custom',
      authorityHost: emulator.authorityHost,
      graphBaseUrl: emulator.graphBaseUrl,
      authorityMetadata: JSON.stringify(authorityMetadata(emulator.authorityHost)),
      extraCaFile: emulator.caFile,
    },
    auth: { tenantId: demoTenantId, clientId: demoClientId, method: 'secret', ...overrides.auth },
    delivery: {
      requestTimeoutMs: 10_000,
      retry: { inProcessDelaysMs: [200], storedDelayMinMs: 60_000 },
      ...overrides.delivery,
    },
  };
}

/**
 * Starts `sitedrop agent` on a data directory and config file, on `port` (a fixed port, so a
 * restarted agent is at the same address, as it is for a person), with the client secret and
 * an optional policy file in the environment.
 */
export async function startAgentProcess(options: {
  dataDir: string;
  configPath: string;
  port: number;
  policyPath?: string;
}): Promise<AgentProcess> {
  const child = spawnCli(['agent', '--data-dir', options.dataDir, '--config', options.configPath], {
    SITEDROP_FEED_PORT: String(options.port),
    SITEDROP_CLIENT_SECRET: demoClientSecret,
    SITEDROP_POLICY_FILE: options.policyPath ?? path.join(options.dataDir, 'no-policy.json'),
  });
  const output = await readOutputUntil(child, /Dashboard:\s+(\S+)/);
  const dashboardUrl = match(output, /Dashboard:\s+(\S+)/);
  const url = new URL(dashboardUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
  return {
    dashboardUrl,
    origin: url.origin,
    port: Number(url.port),
    token,
    output: () => collected.get(child) ?? '',
    close: () => stopProcess(child),
  };
}

/** A running `sitedrop demo`: the emulator and the agent in one process. */
export interface DemoProcess {
  dashboardUrl: string;
  /** The folder the demo watches, as it printed it. */
  watchFolder: string;
  /** Where delivered files appear (the emulator's library folder), as it printed it. */
  libraryFolder: string;
  output(): string;
  close(): Promise<void>;
}

/** Starts `sitedrop demo --data-dir DIR` and reads its addresses from its first lines. */
export async function startDemoProcess(dataDir: string): Promise<DemoProcess> {
  const child = spawnCli(['demo', '--data-dir', dataDir], {});
  const output = await readOutputUntil(child, /Stop:/);
  return {
    dashboardUrl: match(output, /Dashboard:\s+(\S+)/),
    watchFolder: match(output, /Watching:\s+(\S+)/),
    libraryFolder: match(output, /SharePoint:\s+(\S+)/),
    output: () => collected.get(child) ?? '',
    close: () => stopProcess(child),
  };
}

/** Runs one `sitedrop` command to its end and returns what it printed on stdout. */
export function runCli(args: string[]): string {
  return execFileSync(process.execPath, [cliPath, ...args], { cwd: repoRoot, encoding: 'utf8' });
}

/** A TCP port that was free a moment ago. */
export async function findFreePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function authorityMetadata(authorityHost: string) {
  const base = `${authorityHost}/${demoTenantId}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    issuer: `${base}/v2.0`,
  };
}

const collected = new WeakMap<ChildProcess, string>();

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  collected.set(child, '');
  const append = (chunk: Buffer) =>
    collected.set(child, (collected.get(child) ?? '') + chunk.toString());
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return child;
}

function readOutputUntil(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const output = collected.get(child) ?? '';
      if (pattern.test(output)) {
        cleanup();
        resolve(output);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(
        new Error(`The process exited (${code}) before it was ready:\n${collected.get(child)}`),
      );
    };
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(
        new Error(`The process was not ready within ${timeoutMs} ms:\n${collected.get(child)}`),
      );
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function match(text: string, pattern: RegExp): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) throw new Error(`No ${pattern} in:\n${text}`);
  return found;
}

function httpsRequest(
  url: string,
  method: string,
  ca: Buffer,
  controlToken: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = https.request(
      url,
      {
        method,
        ca,
        headers: {
          'x-emulator-control-token': controlToken,
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
