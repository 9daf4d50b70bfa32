import path from 'node:path';
import { alternateRuns } from '../lib/alternate-runs.ts';
import { startBenchChild } from '../lib/bench-child.ts';
import { atLeast, atMost, type Figure } from '../lib/figure.ts';
import { countInotifyWatches } from '../lib/inotify-watches.ts';
import { startIntakeAgent } from '../lib/intake-runs.ts';
import { createPendingTree } from '../lib/pending-tree.ts';
import { summarize } from '../lib/statistics.ts';

const watchEntry = new URL('../processes/directory-watch-process.ts', import.meta.url);
const settleMs = 1_000;

interface TreeRun {
  watches: number;
  rssBytes: number;
  readyMs: number;
  scanMs: number;
}

/**
 * Figure 8: 100,000 delivered files kept in a watched tree (after-upload "keep"): the agent's
 * inotify watches and memory per file over directory-only fs.watch, and how fast a startup
 * scan walks the tree.
 */
export const figureWatchedTree: Figure = {
  id: 8,
  name: '100,000 files sitting in a watched tree (keep mode)',
  target: '≤ 4 KB per file over baseline; startup scan ≥ 10,000 files/s; watches reported',
  baselineDescription: 'directory-only fs.watch (one non-recursive watch per directory)',
  async run(context) {
    const fileCount = context.profile === 'full' ? 100_000 : 1_000;
    context.log(`  preparing ${fileCount} delivered files`);
    const tree = createPendingTree(path.join(context.workDirectory, 'tree'), {
      fileCount,
      state: 'delivered',
    });
    const runs = await alternateRuns<TreeRun, TreeRun>({
      warmups: context.warmups,
      runs: context.runs,
      log: context.log,
      baseline: async () => {
        const child = await startBenchChild(watchEntry, {
          args: { folder: tree.folder },
          cpu: context.pinning.subjectCpu,
        });
        try {
          const { readyMs } = await child.call<{ readyMs: number }>('ready');
          await new Promise((resolve) => setTimeout(resolve, settleMs));
          const memory = await child.call<{ rssBytes: number }>('memory');
          return {
            watches: countInotifyWatches(child.pid) ?? Number.NaN,
            rssBytes: memory.rssBytes,
            readyMs,
            scanMs: readyMs,
          };
        } finally {
          await child.close();
        }
      },
      subject: async () => {
        const child = await startIntakeAgent(context, tree);
        try {
          const startup = await child.call<{ startingAtMs: number; startedAtMs: number }>(
            'startup',
          );
          // rescanNow waits for the catch-up scan under way and walks once more: the second
          // walk is timed alone, as the scan of a kept tree (every file known) it is.
          await child.call('rescan');
          const { durationMs } = await child.call<{ durationMs: number }>('rescan');
          await new Promise((resolve) => setTimeout(resolve, settleMs));
          const memory = await child.call<{ rssBytes: number }>('memory');
          return {
            watches: countInotifyWatches(child.pid) ?? Number.NaN,
            rssBytes: memory.rssBytes,
            readyMs: startup.startedAtMs - startup.startingAtMs,
            scanMs: durationMs,
          };
        } finally {
          await child.close();
        }
      },
    });
    const perFile = summarize(
      runs.subject.map(
        (run, index) => (run.rssBytes - (runs.baseline[index]?.rssBytes ?? Number.NaN)) / fileCount,
      ),
    );
    const scanRate = summarize(runs.subject.map((run) => fileCount / (run.scanMs / 1000)));
    return {
      checks: [
        atMost(
          {
            name: 'memory per file over baseline',
            unit: 'bytes',
            value: perFile,
            baseline: null,
            target: '≤ 4 KB per file',
          },
          4096,
        ),
        atLeast(
          {
            name: 'startup scan',
            unit: 'files/s',
            value: scanRate,
            baseline: null,
            target: '≥ 10,000 files/s',
          },
          10_000,
        ),
        {
          name: 'inotify watches',
          unit: 'watches',
          value: summarize(runs.subject.map((run) => run.watches)),
          baseline: summarize(runs.baseline.map((run) => run.watches)),
          limit: null,
          target: 'reported',
          met: null,
        },
        {
          name: 'time until watching (agent start)',
          unit: 'ms',
          value: summarize(runs.subject.map((run) => run.readyMs)),
          baseline: summarize(runs.baseline.map((run) => run.readyMs)),
          limit: null,
          target: 'reported',
          met: null,
        },
        {
          name: 'RSS',
          unit: 'MiB',
          value: summarize(runs.subject.map((run) => run.rssBytes / 2 ** 20)),
          baseline: summarize(runs.baseline.map((run) => run.rssBytes / 2 ** 20)),
          limit: null,
          target: 'reported',
          met: null,
        },
      ],
      notes: [
        `${fileCount.toLocaleString('en-US')} files in ${tree.directoryCount} subfolders, each a delivered item (after-upload "keep"); delivery not configured. Memory per file = (agent RSS − baseline RSS) ÷ files, ${settleMs} ms after the scan. The scan rate times a full catch-up walk with every file known (one directory listing and one indexed lookup per file), after the startup scan finished.`,
      ],
    };
  },
};
