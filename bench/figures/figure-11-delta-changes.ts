import fs from 'node:fs';
import path from 'node:path';
import type { RemoteChange } from '../../src/main/core/store/index.ts';
import { alternateRuns } from '../lib/alternate-runs.ts';
import { startBenchChild } from '../lib/bench-child.ts';
import { atLeast, type Figure, type FigureContext } from '../lib/figure.ts';
import { summarize } from '../lib/statistics.ts';

const subjectEntry = new URL('../processes/delta-inbox-process.ts', import.meta.url);
const bareEntry = new URL('../processes/bare-delta-rows-process.ts', import.meta.url);
/** Graph's default delta page holds 200 items (driveitem-delta.md, `$top`). */
const pageSize = 200;

/** `count` new files as delta pages list them, `pageSize` to a page. */
function deltaPages(count: number): RemoteChange[][] {
  const pages: RemoteChange[][] = [];
  for (let index = 0; index < count; index += 1) {
    if (index % pageSize === 0) pages.push([]);
    const id = `01BENCH${String(index).padStart(26, '0')}`;
    pages.at(-1)!.push({
      remoteItemId: id,
      isDeleted: false,
      eTag: `"{${id}},1"`,
      cTag: `"c:{${id}},1"`,
      name: `answer ${index}.pdf`,
      sizeBytes: 10_000 + index,
      quickXorHash: Buffer.from(id).toString('base64').slice(0, 28),
      remoteModifiedAt: 1_780_000_000_000 + index,
    });
  }
  return pages;
}

/** One side's run: a fresh database in a fresh child process applying every page. */
async function applyInChild(
  context: FigureContext,
  entry: URL,
  args: Record<string, string>,
  pages: RemoteChange[][],
): Promise<number> {
  const child = await startBenchChild(entry, {
    args,
    cpu: context.pinning.subjectCpu,
    nodeFlags: entry === subjectEntry ? context.subjectNodeFlags : [],
  });
  try {
    const run = await child.call<{ written: number; durationMs: number }>('apply', { pages });
    const expected = pages.reduce((sum, page) => sum + page.length, 0);
    if (run.written !== expected) throw new Error(`wrote ${run.written} of ${expected} changes`);
    return run.written / (run.durationMs / 1000);
  } finally {
    await child.close();
  }
}

/**
 * Figure 11: 10,000 new files listed by delta, recorded in the inbox as the poller records them
 * (one transaction per 200-item page, each change looked up, written with its event), against a
 * bare loop writing the same rows and events with better-sqlite3; changes per second.
 */
export const figureDeltaChanges: Figure = {
  id: 11,
  name: '10,000 remote changes recorded from delta pages',
  target: '≥ 0.8 × changes/s',
  baselineDescription:
    'a bare loop: better-sqlite3 (WAL, synchronous=FULL) inserting the same rows and events, one transaction per page',
  async run(context) {
    const count = context.profile === 'full' ? 10_000 : 1_000;
    const pages = deltaPages(count);
    const runs = await alternateRuns({
      warmups: context.warmups,
      runs: context.runs,
      log: context.log,
      baseline: (index) => {
        const folder = path.join(context.workDirectory, `bare-${index}`);
        fs.mkdirSync(folder, { recursive: true });
        const databaseFile = path.join(folder, 'bare.db');
        return applyInChild(context, bareEntry, { databaseFile }, pages);
      },
      subject: (index) => {
        const dataDir = path.join(context.workDirectory, `agent-${index}`);
        fs.mkdirSync(dataDir, { recursive: true });
        return applyInChild(context, subjectEntry, { dataDir }, pages);
      },
    });
    const subject = summarize(runs.subject);
    const baseline = summarize(runs.baseline);
    return {
      checks: [
        atLeast(
          {
            name: `${count.toLocaleString('en-US')} changes recorded`,
            unit: 'changes/s',
            value: subject,
            baseline,
            target: '≥ 0.8 × baseline',
          },
          0.8 * baseline.median,
        ),
      ],
      notes: [
        `${count.toLocaleString('en-US')} new files in pages of ${pageSize}; each side in a fresh process on a fresh database, timed from the first page to the last commit. SiteDrop's side is the store's applyDeltaPage (the poller's write path), which also looks up each item's latest version. Fetching the pages is not timed on either side.`,
      ],
    };
  },
};
