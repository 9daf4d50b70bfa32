import path from 'node:path';
import { alternateRuns } from '../lib/alternate-runs.ts';
import { startBenchChild } from '../lib/bench-child.ts';
import { atMost, type Figure, type FigureContext } from '../lib/figure.ts';
import { startIntakeAgent } from '../lib/intake-runs.ts';
import { createPendingTree, type PendingTree } from '../lib/pending-tree.ts';
import { summarize } from '../lib/statistics.ts';
import { databaseFileName } from '../../src/main/core/store/index.ts';

const bareEntry = new URL('../processes/bare-sqlite-process.ts', import.meta.url);
const mebibyte = 1024 * 1024;
const settleMs = 1_000;

interface Memory {
  rssBytes: number;
  peakRssBytes: number;
}

/** The agent on a prepared tree: started, its catch-up scan done, settled; its memory. */
export async function measureAgentMemory(
  context: FigureContext,
  tree: PendingTree,
): Promise<Memory> {
  const child = await startIntakeAgent(context, tree);
  try {
    await child.call('rescan');
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return await child.call<Memory>('memory');
  } finally {
    await child.close();
  }
}

/**
 * Figure 7: the agent's memory with 100,000 items pending (queued, delivery not configured),
 * their files in the watched folder, after start-up and the catch-up scan; against bare Node
 * with better-sqlite3 opening the same database. Also at 1,000 items, for the growth check.
 */
export const figureMemory: Figure = {
  id: 7,
  name: 'memory with 100,000 items pending',
  target: 'peak RSS ≤ baseline + 150 MB; RSS at 100k ≤ 1.2 × RSS at 1k',
  baselineDescription: 'bare Node + better-sqlite3 opening the same database',
  async run(context) {
    const largeCount = context.profile === 'full' ? 100_000 : 2_000;
    const smallCount = context.profile === 'full' ? 1_000 : 100;
    context.log(`  preparing ${largeCount} and ${smallCount} pending items with their files`);
    const large = createPendingTree(path.join(context.workDirectory, 'large'), {
      fileCount: largeCount,
      state: 'queued',
    });
    const small = createPendingTree(path.join(context.workDirectory, 'small'), {
      fileCount: smallCount,
      state: 'queued',
    });
    const smallRuns: Memory[] = [];
    const runs = await alternateRuns({
      warmups: context.warmups,
      runs: context.runs,
      log: context.log,
      baseline: async () => {
        const child = await startBenchChild(bareEntry, {
          args: { databaseFile: path.join(large.dataDir, databaseFileName) },
          cpu: context.pinning.subjectCpu,
        });
        try {
          await new Promise((resolve) => setTimeout(resolve, settleMs));
          return await child.call<Memory>('memory');
        } finally {
          await child.close();
        }
      },
      subject: async (index) => {
        const memory = await measureAgentMemory(context, large);
        if (index >= context.warmups) smallRuns.push(await measureAgentMemory(context, small));
        return memory;
      },
    });
    const toMb = (values: number[]) => summarize(values.map((value) => value / mebibyte));
    const baselinePeak = toMb(runs.baseline.map((memory) => memory.peakRssBytes));
    const subjectPeak = toMb(runs.subject.map((memory) => memory.peakRssBytes));
    const subjectRss = toMb(runs.subject.map((memory) => memory.rssBytes));
    const smallRss = toMb(smallRuns.map((memory) => memory.rssBytes));
    return {
      checks: [
        atMost(
          {
            name: `peak RSS at ${largeCount.toLocaleString('en-US')} items`,
            unit: 'MiB',
            value: subjectPeak,
            baseline: baselinePeak,
            target: 'peak RSS ≤ baseline + 150 MB',
          },
          baselinePeak.median + 150,
        ),
        atMost(
          {
            name: `RSS at ${largeCount.toLocaleString('en-US')} vs ${smallCount.toLocaleString('en-US')} items`,
            unit: 'MiB',
            value: subjectRss,
            baseline: smallRss,
            target: `RSS at ${largeCount / 1000}k ≤ 1.2 × RSS at ${smallCount / 1000}k`,
          },
          1.2 * smallRss.median,
        ),
      ],
      notes: [
        `Items queued with delivery not configured, their ${largeCount.toLocaleString('en-US')} files in ${large.directoryCount} subfolders of the watched folder; memory read (VmRSS, VmHWM) ${settleMs} ms after the catch-up scan finished. The second check's baseline column is SiteDrop at ${smallCount.toLocaleString('en-US')} items.`,
      ],
    };
  },
};
