// Test helpers: start an emulator on a temp directory and talk to it over real HTTPS, trusting
// only its CA, with full control of headers (to send or omit Authorization, Content-Range, …).

import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  startGraphEmulator,
} from '../../../../tools/graph-emulator/index.ts';
import type {
  GraphEmulator,
  GraphEmulatorOptions,
} from '../../../../tools/graph-emulator/index.ts';

/** A response read whole. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  bytes: Buffer;
  /** The body parsed as JSON (throws if it is not). */
  json: <T = Record<string, unknown>>() => T;
}

/** One HTTPS request; rejects on connection errors (resets) like a real client would. */
export function httpsRequest(
  agent: Agent,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined && !('content-length' in headers))
      headers['content-length'] = String(body.length);
    const outgoing = request(
      url,
      { method: options.method ?? 'GET', headers, agent },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('aborted', () => reject(new Error('response aborted')));
        incoming.on('end', () => {
          if (!incoming.complete) {
            reject(new Error('response incomplete'));
            return;
          }
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            text,
            bytes,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** An access token for the demo client from the emulator's token endpoint at `authorityHost`. */
export async function requestDemoToken(agent: Agent, authorityHost: string): Promise<string> {
  const response = await httpsRequest(
    agent,
    `${authorityHost}/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO_CLIENT_ID,
        client_secret: DEMO_CLIENT_SECRET,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    },
  );
  return response.json<{ access_token: string }>().access_token;
}

/** A started emulator with a client that trusts its CA and knows the demo credentials. */
export interface TestEmulator {
  readonly emulator: GraphEmulator;
  readonly rootDir: string;
  readonly agent: Agent;
  /** A token for the demo client (cached per test emulator). */
  token(): Promise<string>;
  /** A request to the emulator; `path` is relative to its origin ('/v1.0/…') or a full URL. */
  call(
    pathOrUrl: string,
    options?: {
      method?: string;
      headers?: Record<string, string>;
      body?: Buffer | string;
      auth?: boolean;
    },
  ): Promise<TestResponse>;
  /** The id of the default site's "Documents" drive. */
  driveId(): Promise<string>;
  close(): Promise<void>;
}

/** Start an emulator on a fresh temp directory (removed by close()). */
export async function startTestEmulator(
  options: Partial<GraphEmulatorOptions> = {},
  existingRootDir?: string,
): Promise<TestEmulator> {
  const workDir = existingRootDir
    ? undefined
    : await mkdtemp(path.join(os.tmpdir(), 'graph-emulator-test-'));
  const rootDir = existingRootDir ?? path.join(workDir ?? '', 'sharepoint');
  const emulator = await startGraphEmulator({ ...options, rootDir });
  const agent = new Agent({ ca: emulator.caCertificatePem, keepAlive: true });
  let token: string | undefined;
  let driveId: string | undefined;
  const origin = emulator.authorityHost;
  const test: TestEmulator = {
    emulator,
    rootDir,
    agent,
    async token() {
      token ??= await requestDemoToken(agent, origin);
      return token;
    },
    async call(pathOrUrl, callOptions = {}) {
      const headers: Record<string, string> = { ...callOptions.headers };
      // Upload and download URLs are pre-authenticated: no token goes with them.
      const isPreAuthenticated =
        pathOrUrl.includes('/_upload/') || pathOrUrl.includes('/_download/');
      if (callOptions.auth !== false && !isPreAuthenticated) {
        headers['authorization'] ??= `Bearer ${await test.token()}`;
      }
      const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${origin}${pathOrUrl}`;
      return httpsRequest(agent, url, {
        method: callOptions.method,
        headers,
        body: callOptions.body,
      });
    },
    async driveId() {
      if (driveId) return driveId;
      const site = await test.call('/v1.0/sites/contoso.sharepoint.com:/sites/SiteOffice');
      const drives = await test.call(`/v1.0/sites/${site.json<{ id: string }>().id}/drives`);
      driveId = drives.json<{ value: Array<{ id: string }> }>().value[0]?.id ?? '';
      return driveId;
    },
    async close() {
      agent.destroy();
      await emulator.close();
      if (workDir) await rm(workDir, { recursive: true, force: true });
    },
  };
  return test;
}

/** The emulator of the running test and its default drive, as usePerTestEmulator keeps them. */
export interface PerTestEmulator {
  readonly test: TestEmulator;
  readonly driveId: string;
}

/**
 * Give every test of the calling file a fresh emulator (started before it, closed after it);
 * read it from the returned object inside a test.
 */
export function usePerTestEmulator(options: Partial<GraphEmulatorOptions> = {}): PerTestEmulator {
  let current: { test: TestEmulator; driveId: string } | undefined;
  beforeEach(async () => {
    const test = await startTestEmulator(options);
    current = { test, driveId: await test.driveId() };
  });
  afterEach(async () => {
    await current?.test.close();
    current = undefined;
  });
  const running = (): { test: TestEmulator; driveId: string } => {
    if (!current) throw new Error('usePerTestEmulator: read it inside a test');
    return current;
  };
  return {
    get test() {
      return running().test;
    },
    get driveId() {
      return running().driveId;
    },
  };
}
