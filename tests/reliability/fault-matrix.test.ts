import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ConfigInput } from '../../src/shared/config-schema.ts';
import type { ItemState } from '../../src/shared/item-state.ts';
import { mergeConfigValues } from '../../src/main/core/config/index.ts';
import type { Item } from '../../src/main/core/store/index.ts';
import {
  DEMO_CLIENT_SECRET,
  startGraphEmulator,
  type GraphEmulatorOptions,
} from '../../tools/graph-emulator/index.ts';
import { sleep } from '../helpers/wait-for.ts';
import { startBench } from '../integration/delivery/harness.ts';
import { reliabilityProfileName } from './prng.ts';
import { recordReliabilityFigures } from './report.ts';

type Bench = Awaited<ReturnType<typeof startBench>>;

/** Two files per row: one simple upload, one upload session of three fragments. */
const files = {
  'note.txt': Buffer.from('delivery note, signed at the gate'),
  'survey.bin': crypto.randomBytes(700_000),
};

/** How long the network stays down in the outage row: seconds in CI, minutes under soak. */
const outageMs = reliabilityProfileName() === 'long' ? 120_000 : 3_000;

/** Faults injected per kind (emulator rule hits), for docs/reliability.md. */
const injected: Record<string, number> = {};

interface FaultRow {
  fault: string;
  /** What a user wants to see. */
  outcome: string;
  /** Agent config on top of the matrix defaults. */
  config?: ConfigInput | ((watchDir: string) => ConfigInput);
  emulator?: Partial<GraphEmulatorOptions>;
  /** Adds the fault before the files are dropped; may return work to do while they wait. */
  inject(bench: Bench): void | ((bench: Bench) => Promise<void>);
  /** The state every file must end in. */
  expectState: ItemState;
  check(bench: Bench, items: Item[]): void | Promise<void>;
  /** Faults injected, when not the requests a fault rule hit (the service's own refusals). */
  countInjected?(bench: Bench): number;
}

const rows: FaultRow[] = [
  {
    fault: '429 with Retry-After (seconds)',
    outcome: 'waits exactly as long as asked, never less, then delivers',
    inject: (bench) =>
      void bench.emulator.faults.add({
        method: 'PUT',
        path: /\/content$|\/_upload\//,
        status: 429,
        retryAfterSeconds: 1,
        times: 2,
      }),
    expectState: 'delivered',
    check: (bench) => expectRetryAfterHonoured(bench),
  },
  {
    fault: '503 with Retry-After (HTTP date)',
    outcome: 'waits until the date, never before, then delivers',
    inject: (bench) =>
      void bench.emulator.faults.add({
        path: /\/content$|createUploadSession/,
        status: 503,
        retryAfterSeconds: 2,
        retryAfterHttpDate: true,
        times: 2,
      }),
    expectState: 'delivered',
    check: (bench) => expectRetryAfterHonoured(bench),
  },
  {
    fault: 'a storm of 500s',
    outcome: 'the breaker opens, probes, closes; nothing fails permanently',
    config: {
      delivery: {
        retry: { inProcessDelaysMs: [10, 10], storedDelayMinMs: 1_000, storedDelayMaxMs: 2_000 },
        breaker: { failureThreshold: 5, windowMs: 60_000, probeIntervalMs: 1_000 },
      },
    },
    inject: (bench) => {
      const storm = bench.emulator.faults.add({ path: '/v1.0/', status: 500 });
      return async () => {
        await waitUntil(() => breakerWas(bench, 'open'), 'the breaker to open');
        await sleep(1_500);
        bench.emulator.faults.remove(storm);
      };
    },
    expectState: 'delivered',
    check: (bench) => {
      expect(breakerWas(bench, 'open')).toBe(true);
      expect(breakerWas(bench, 'closed')).toBe(true);
    },
  },
  {
    fault: 'a response slower than the request timeout',
    outcome: 'times out, looks before re-sending, delivers once',
    config: { delivery: { requestTimeoutMs: 1_000 } },
    inject: (bench) =>
      void bench.emulator.faults.add({
        method: 'PUT',
        path: /\/content$|\/_upload\//,
        delayMs: 3_000,
        times: 2,
      }),
    expectState: 'delivered',
    check: (bench) => {
      expect(bench.requests().some((record) => record.aborted)).toBe(true);
    },
  },
  {
    fault: 'connection reset in the middle of a fragment',
    outcome: 'the fragment is sent again on the same session; delivered once',
    inject: (bench) =>
      void bench.emulator.faults.add({
        method: 'PUT',
        path: '/_upload/',
        resetAfterBytes: 100_000,
        times: 2,
      }),
    expectState: 'delivered',
    check: (bench) => {
      expect(bench.requests({ pathIncludes: 'createUploadSession' })).toHaveLength(1);
    },
  },
  {
    fault: 'connection reset after the upload, before the response',
    outcome: 'finds the file already there; delivered once, not twice',
    inject: (bench) =>
      void bench.emulator.faults.add({
        method: 'PUT',
        path: /\/content$|\/_upload\//,
        resetAfterBytes: 100_000_000,
        times: 2,
      }),
    expectState: 'delivered',
    check: () => undefined,
  },
  {
    fault: 'upload session expired',
    outcome: 'a new session is opened; delivered',
    inject: (bench) =>
      void bench.emulator.faults.add({
        method: 'PUT',
        path: '/_upload/',
        expireUploadSession: true,
        times: 1,
      }),
    expectState: 'delivered',
    check: (bench) => {
      expect(bench.requests({ pathIncludes: 'createUploadSession' })).toHaveLength(2);
    },
  },
  {
    fault: '401: the access token expired',
    outcome: 'one fresh token, then delivered',
    inject: (bench) =>
      void bench.emulator.faults.add({ method: 'PUT', expireToken: true, times: 1 }),
    expectState: 'delivered',
    check: (bench) => {
      // At most one fresh token per refused request (both files may hold the revoked one), no
      // storm: refusals that arrive together share one fresh acquisition (token-provider.ts,
      // c915b73), which happens since both files' PUTs leave at once (no folder lookups first).
      const refused = bench.requests().filter((record) => record.status === 401);
      expect(refused.length).toBeGreaterThan(0);
      const freshTokens = bench
        .requests({ pathIncludes: '/oauth2/v2.0/token' })
        .filter((record) => record.sequence > refused[0]!.sequence);
      expect(freshTokens.length).toBeGreaterThan(0);
      expect(freshTokens.length).toBeLessThanOrEqual(refused.length);
      // Every refused request was answered by a token acquired after it.
      for (const refusal of refused) {
        expect(freshTokens.some((token) => token.startedAt >= refusal.startedAt)).toBe(true);
      }
    },
  },
  {
    fault: '403: the app lacks write permission',
    outcome: 'fails at once, saying which permission to grant',
    emulator: {
      clients: [
        {
          clientId: '3f6b2c1d-8e4a-4b7f-a2c9-5e1d7f3a9b24',
          tenantId: '5d1c0a6e-7f3b-4c2a-9e51-0d3e5a7b9c11',
          secret: DEMO_CLIENT_SECRET,
          canWrite: false,
        },
      ],
    },
    inject: () => undefined,
    expectState: 'failed',
    countInjected: (bench) => bench.requests().filter((record) => record.status === 403).length,
    check: (bench, items) => {
      for (const item of items) {
        expect(item.lastErrorCode).toBe('graph.forbidden');
        expect(item.lastErrorMessage).toContain('Sites.Selected');
        expect(item.attempts).toBe(1);
      }
    },
  },
  {
    fault: '404: the site was renamed',
    outcome: 'fails at once, naming sharepoint.siteUrl',
    inject: (bench) =>
      void bench.emulator.faults.add({ path: /^\/v1\.0\/(sites|drives)\//, status: 404 }),
    expectState: 'failed',
    check: (bench, items) => {
      for (const item of items) {
        expect(item.lastErrorCode).toBe('config.site-not-found');
        expect(item.lastErrorMessage).toContain('sharepoint.siteUrl');
      }
    },
  },
  {
    fault: '404: the library was renamed',
    outcome: 'fails at once, naming the library setting',
    config: (watchDir) => ({
      folders: [
        { id: 'requests', path: watchDir, target: { folderPath: 'Incoming', library: 'Orders' } },
      ],
    }),
    inject: () => undefined,
    expectState: 'failed',
    countInjected: () => 1,
    check: (bench, items) => {
      for (const item of items) {
        expect(item.lastErrorCode).toBe('config.library-not-found');
        expect(item.lastErrorMessage).toContain('target.library');
      }
    },
  },
  {
    fault: '507: the site is out of storage',
    outcome: 'fails at once, saying to raise the quota',
    inject: (bench) =>
      void bench.emulator.faults.add({
        method: 'PUT',
        path: /\/content$|\/_upload\//,
        status: 507,
      }),
    expectState: 'failed',
    check: (bench, items) => {
      for (const item of items) {
        expect(item.lastErrorCode).toBe('graph.quota-exceeded');
        expect(item.lastErrorMessage).toContain('quota');
      }
    },
  },
  {
    fault: `network down (connection refused) for ${outageMs / 1000} s, then back`,
    outcome: 'waits without failing; delivered once the network is back',
    config: {
      delivery: {
        retry: { inProcessDelaysMs: [50, 100], storedDelayMinMs: 1_000, storedDelayMaxMs: 2_000 },
        breaker: { failureThreshold: 5, windowMs: 60_000, probeIntervalMs: 1_000 },
      },
    },
    inject: (bench) => {
      const { port, rootDir, caFile } = bench.emulator;
      const closed = bench.emulator.close();
      return async () => {
        await closed;
        await sleep(outageMs);
        expect(bench.store.countsByState().failed ?? 0).toBe(0);
        const back = await startGraphEmulator({ rootDir, caFile, port });
        onTestFinished(() => back.close());
      };
    },
    expectState: 'delivered',
    countInjected: () => 1,
    check: () => undefined,
  },
];

describe('the fault matrix: every fault ends as a user would want', () => {
  afterAll(() => recordReliabilityFigures('faultMatrix', { rows: rows.length, injected }));

  for (const row of rows) {
    it(
      `${row.fault}: ${row.outcome}`,
      async () => {
        const bench = await startBench({
          ...(row.emulator ? { emulator: row.emulator } : {}),
          config: (watchDir) =>
            mergeConfigValues(
              { delivery: { simpleUploadMaxBytes: 100_000, chunkSizeBytes: 327_680 } },
              (typeof row.config === 'function' ? row.config(watchDir) : row.config) ?? {},
            ) as ConfigInput,
        });
        const during = row.inject(bench);
        await bench.start();
        const items = Object.entries(files).map(([name, content]) => bench.dropFile(name, content));
        if (during) await during(bench);
        const done = await Promise.all(
          items.map((item) =>
            bench.waitForState(
              item.id,
              ['delivered', 'failed', 'quarantined', 'gone'],
              60_000 + outageMs,
            ),
          ),
        );
        injected[row.fault] =
          (injected[row.fault] ?? 0) +
          (row.countInjected?.(bench) ??
            bench.requests().filter((record) => record.faultId !== undefined).length);
        for (const item of done)
          expect(item.state, item.lastErrorMessage ?? '').toBe(row.expectState);
        const library = bench.remotePath('Incoming');
        if (row.expectState === 'delivered') {
          // Exactly once, byte-identical.
          expect(fs.readdirSync(library).sort()).toEqual(Object.keys(files).sort());
          for (const [name, content] of Object.entries(files)) {
            expect(fs.readFileSync(bench.remotePath(`Incoming/${name}`)).equals(content)).toBe(
              true,
            );
          }
        } else {
          // A readable sentence, never an upload URL, token or secret.
          for (const item of done) {
            expect(item.lastErrorMessage ?? '').toMatch(/^[A-Z].{40,}/);
            expect(item.lastErrorMessage).not.toMatch(/tempauth|Bearer|eyJ|_upload/);
            expect(item.lastErrorMessage).not.toContain(DEMO_CLIENT_SECRET);
          }
          expect(fs.existsSync(library) ? fs.readdirSync(library) : []).toEqual([]);
        }
        await row.check(bench, done);
      },
      60_000 + 2 * outageMs,
    );
  }
});

function expectRetryAfterHonoured(bench: Bench): void {
  const log = bench.emulator.requestLog;
  const throttled = log.filter((record) => record.retryAfter !== undefined);
  expect(throttled.length).toBeGreaterThan(0);
  for (const record of throttled) {
    const notBefore = /^\d+$/.test(record.retryAfter ?? '')
      ? record.endedAt + Number(record.retryAfter) * 1_000
      : Date.parse(record.retryAfter ?? '');
    // The next request of the same kind (same method and path) came after the wait.
    const next = log.find(
      (later) =>
        later.sequence > record.sequence &&
        later.method === record.method &&
        later.path === record.path,
    );
    expect(next, `a retry of ${record.method} ${record.path}`).toBeDefined();
    expect(next!.startedAt).toBeGreaterThanOrEqual(notBefore);
  }
}

function breakerWas(bench: Bench, state: 'open' | 'closed'): boolean {
  return bench.events.some(
    (event) => event.type === 'connection.changed' && event.data.breaker === state,
  );
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
