import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResponseRecord } from '../../src/main/core/store/index.ts';
import { startResponsesBench } from '../integration/responses/harness.ts';
import { recordReliabilityFigures } from './report.ts';

type Bench = Awaited<ReturnType<typeof startResponsesBench>>;

/** Two responses per row: a small one, and one of several syncs. */
const files = {
  'note.txt': Buffer.from('approved, see the drawing'),
  'survey.bin': crypto.randomBytes(700_000),
};
type Name = keyof typeof files;

/** Faults injected per kind (emulator rule hits), for docs/reliability.md. */
const injected: Record<string, number> = {};

interface ResponseFaultRow {
  fault: string;
  outcome: string;
  /** Adds the fault once head office has put the files (their item ids given). */
  inject(bench: Bench, itemIds: Record<Name, string>): void;
  /** The state each response must end in (default ready). */
  expectState?: Partial<Record<Name, 'ready' | 'failed'>>;
  check(bench: Bench, responses: Record<Name, ResponseRecord>): void;
}

const rows: ResponseFaultRow[] = [
  {
    fault: '429 with Retry-After on delta',
    outcome: 'waits as long as asked, then brings each response once',
    inject: (bench) =>
      void bench.emulator.faults.add({
        path: '/delta',
        status: 429,
        retryAfterSeconds: 1,
        times: 1,
      }),
    check: (bench) => expectRetryAfterHonoured(bench),
  },
  {
    fault: '429 with Retry-After on content',
    outcome: 'waits as long as asked, then brings each response once',
    inject: (bench) =>
      void bench.emulator.faults.add({
        method: 'GET',
        path: /\/content$|\/_download\//,
        status: 429,
        retryAfterSeconds: 1,
        times: 2,
      }),
    check: (bench) => expectRetryAfterHonoured(bench),
  },
  {
    fault: '503 with Retry-After (HTTP date) on delta and content',
    outcome: 'waits until the date, then brings each response once',
    inject: (bench) =>
      void bench.emulator.faults.add({
        path: /\/delta$|\/content$|\/_download\//,
        status: 503,
        retryAfterSeconds: 1,
        retryAfterHttpDate: true,
        times: 2,
      }),
    check: (bench) => expectRetryAfterHonoured(bench),
  },
  {
    fault: '410 Gone: delta asks to enumerate again',
    outcome: 'enumerates from the Location; each response once',
    inject: (bench) =>
      void bench.emulator.faults.add({ path: '/delta', resyncDelta: true, times: 1 }),
    check: (bench) => {
      expect(bench.requests({ pathIncludes: '/delta' }).some((r) => r.status === 410)).toBe(true);
    },
  },
  {
    fault: 'download URL expired',
    outcome: 'reads the item again and brings the same version once',
    inject: (bench) =>
      void bench.emulator.faults.add({ path: '/_download/', expireDownloadUrl: true, times: 2 }),
    check: (bench) => {
      expect(
        bench.requests({ pathIncludes: '/_download/' }).filter((r) => r.status === 401),
      ).toHaveLength(2);
    },
  },
  {
    fault: 'connection dropped mid-download, then Range ignored',
    outcome: 'resumes with Range; the 200 answer starts the file again; identical bytes',
    inject: (bench, ids) => {
      const url = `/_download/${ids['survey.bin']}`;
      bench.emulator.faults.add({ path: url, cutAfterBytes: 300_000, times: 1 });
      bench.emulator.faults.add({ path: url, ignoreRange: true, times: 1 });
    },
    check: (bench) => {
      const ranged = bench.requests({ pathIncludes: '/_download/' }).filter((r) => r.range);
      expect(ranged.map((record) => record.status)).toEqual([200]);
      expect(ranged[0]?.range).toMatch(/^bytes=[1-9]\d*-$/);
    },
  },
  {
    fault: 'hash mismatch that stays after reading the listing again',
    outcome: 'fails with a sentence; nothing under its name, no partial left; the other arrives',
    inject: (bench) => {
      // The bytes SharePoint serves change behind its listing (same size, other content).
      const onDisk = path.join(bench.emulator.rootDir, findOnDisk(bench, 'survey.bin'));
      fs.writeFileSync(onDisk, crypto.randomBytes(files['survey.bin'].length));
    },
    expectState: { 'survey.bin': 'failed' },
    check: (_bench, responses) => {
      expect(responses['survey.bin'].errorCode).toBe('response.content-differs');
      expect(responses['survey.bin'].errorMessage).toMatch(/^"survey\.bin" arrived with .{40,}/);
    },
  },
];

describe('the fault matrix for responses: every fault ends as a user would want', () => {
  afterAll(() => recordReliabilityFigures('responseFaultMatrix', { rows: rows.length, injected }));

  for (const row of rows) {
    it(`${row.fault}: ${row.outcome}`, async () => {
      const bench = await startResponsesBench();
      const runner = bench.startResponses();
      await runner.checkNow();
      const itemIds = {} as Record<Name, string>;
      for (const [name, content] of Object.entries(files) as [Name, Buffer][]) {
        const { item } = await bench.emulator.remote.putFile({ path: `Answers/${name}` }, content);
        itemIds[name] = item.id;
      }
      const faultsBefore = countFaultHits(bench);
      row.inject(bench, itemIds);
      const seenUnderFinalName: string[] = [];
      const settled = await checkUntilSettled(bench, () => runner.checkNow(), seenUnderFinalName);
      injected[row.fault] = (injected[row.fault] ?? 0) + countFaultHits(bench) - faultsBefore;

      const byName = Object.fromEntries(settled.map((r) => [r.name, r])) as Record<
        Name,
        ResponseRecord
      >;
      expect(settled).toHaveLength(2);
      for (const [name, content] of Object.entries(files) as [Name, Buffer][]) {
        const expected = row.expectState?.[name] ?? 'ready';
        expect(byName[name].state, byName[name].errorMessage ?? '').toBe(expected);
        const localPath = path.join(bench.localFolder, name);
        if (expected === 'ready') {
          expect(fs.readFileSync(localPath).equals(content)).toBe(true);
        } else {
          expect(fs.existsSync(localPath)).toBe(false);
          expect(byName[name].errorMessage).not.toMatch(/tempauth|Bearer|eyJ/);
        }
      }
      // Exactly once: one row per file, no conflict copy, nothing partial under a final name.
      const readyNames = settled.filter((r) => r.state === 'ready').map((r) => r.name);
      expect(bench.visibleNames()).toEqual(readyNames.sort());
      expect(bench.partialNames()).toEqual([]);
      for (const entry of seenUnderFinalName) {
        const [name, sizeBytes] = entry.split(':') as [Name, string];
        expect(Number(sizeBytes), `${name} seen partial`).toBe(files[name].length);
      }
      row.check(bench, byName);
    }, 60_000);
  }
});

/** Checks again until both responses are ready or failed; notes every size seen under a final name. */
async function checkUntilSettled(
  bench: Bench,
  checkNow: () => Promise<void>,
  seenUnderFinalName: string[],
): Promise<ResponseRecord[]> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const checking = checkNow();
    const sample = setInterval(() => {
      for (const name of bench.visibleNames()) {
        const size = fs.statSync(path.join(bench.localFolder, name)).size;
        seenUnderFinalName.push(`${name}:${size}`);
      }
    }, 5);
    await checking.finally(() => clearInterval(sample));
    const all = bench.store.responses.listNewest(10);
    if (all.length >= 2 && all.every((r) => r.state === 'ready' || r.state === 'failed')) {
      return all;
    }
    if (Date.now() > deadline) {
      throw new Error(`not settled: ${JSON.stringify(all.map((r) => [r.name, r.state]))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function countFaultHits(bench: Bench): number {
  return bench.requests().filter((record) => record.faultId !== undefined).length;
}

function findOnDisk(bench: Bench, name: string): string {
  const found = fs
    .readdirSync(bench.emulator.rootDir, { recursive: true, encoding: 'utf8' })
    .find((entry) => path.basename(entry) === name);
  if (!found) throw new Error(`${name} is not in the emulator's folder`);
  return found;
}

/** Every request answered with Retry-After was followed by its retry no sooner than asked. */
function expectRetryAfterHonoured(bench: Bench): void {
  const log = bench.emulator.requestLog;
  const throttled = log.filter((record) => record.retryAfter !== undefined);
  expect(throttled.length).toBeGreaterThan(0);
  for (const record of throttled) {
    const notBefore = /^\d+$/.test(record.retryAfter ?? '')
      ? record.endedAt + Number(record.retryAfter) * 1_000
      : Date.parse(record.retryAfter ?? '');
    const next = log.find(
      (later) =>
        later.sequence > record.sequence &&
        later.method === record.method &&
        (later.path === record.path ||
          (later.path.includes('/_download/') && record.path.includes('/_download/'))),
    );
    expect(next, `a retry of ${record.method} ${record.path}`).toBeDefined();
    expect(next!.startedAt).toBeGreaterThanOrEqual(notBefore);
  }
}
