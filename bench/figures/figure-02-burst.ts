import fs from 'node:fs';
import path from 'node:path';
import { alternateRuns } from '../lib/alternate-runs.ts';
import { crossProcessNowMs } from '../lib/cross-process-clock.ts';
import type { Figure } from '../lib/figure.ts';
import { runAgentIntake, runBaselineIntake, type Dropper } from '../lib/intake-runs.ts';
import { summarize } from '../lib/statistics.ts';

const fullStabilityWindowMs = 2_000;
const smokeStabilityWindowMs = 200;
const fileBytes = 1024;

/**
 * Figure 2: a burst of files dropped at once. Drain time runs from the first file created to
 * the last one queued (the agent's minus its stability window); every file must be queued
 * exactly once. Against fs.watch plus one transaction per event-loop tick.
 */
export const figureBurst: Figure = {
  id: 2,
  name: 'burst of 10,000 files dropped at once: drain time',
  target: 'all queued exactly once; drain time ≤ 1.5 × baseline',
  baselineDescription:
    'fs.watch plus one better-sqlite3 transaction per event-loop tick (WAL, synchronous=FULL)',
  async run(context) {
    const stabilityWindowMs =
      context.profile === 'full' ? fullStabilityWindowMs : smokeStabilityWindowMs;
    const fileCount = context.profile === 'full' ? 10_000 : 300;
    const content = Buffer.alloc(fileBytes, 0x62);
    const drop: Dropper = async (folder) => {
      const droppedAt = new Map<string, number>();
      const startedAt = crossProcessNowMs();
      for (let index = 0; index < fileCount; index += 1) {
        const name = `burst-${String(index).padStart(5, '0')}.pdf`;
        droppedAt.set(name, startedAt);
        fs.writeFileSync(path.join(folder, name), content);
      }
      return droppedAt;
    };
    const drainMs = (
      run: { queuedAtMs: Map<string, number>; droppedAtMs: Map<string, number> },
      minusMs: number,
    ) => {
      const first = Math.min(...run.droppedAtMs.values());
      return Math.max(...run.queuedAtMs.values()) - first - minusMs;
    };
    const timeoutMs = 10 * 60_000;
    const exactlyOnce: boolean[] = [];
    const dropDurations: number[] = [];
    const runs = await alternateRuns({
      warmups: context.warmups,
      runs: context.runs,
      log: context.log,
      baseline: async (index) =>
        drainMs(
          await runBaselineIntake(context, {
            runName: `baseline-${index}`,
            mode: 'per-tick',
            expected: fileCount,
            drop,
            timeoutMs,
          }),
          0,
        ),
      subject: async (index) => {
        const dropStart = performance.now();
        const run = await runAgentIntake(context, {
          runName: `agent-${index}`,
          stabilityWindowMs,
          expected: fileCount,
          drop: async (folder) => {
            const dropped = await drop(folder);
            dropDurations.push(performance.now() - dropStart);
            return dropped;
          },
          timeoutMs,
        });
        exactlyOnce.push(
          run.duplicateCount === 0 &&
            run.itemCount === fileCount &&
            run.distinctPaths === fileCount,
        );
        context.log(
          `    drained in ${Math.round(drainMs(run, stabilityWindowMs))} ms after the window; items ${run.itemCount}, duplicates ${run.duplicateCount}`,
        );
        return drainMs(run, stabilityWindowMs);
      },
    });
    const baseline = summarize(runs.baseline);
    const subject = summarize(runs.subject);
    const allOnce = exactlyOnce.every(Boolean);
    return {
      checks: [
        {
          name: 'drain time',
          unit: 'ms',
          value: subject,
          baseline,
          limit: 1.5 * baseline.median,
          target: 'drain ≤ 1.5 × baseline',
          met: subject.median <= 1.5 * baseline.median,
        },
        {
          name: 'files queued exactly once (runs where true)',
          unit: 'fraction',
          value: summarize([exactlyOnce.filter(Boolean).length / exactlyOnce.length]),
          baseline: null,
          limit: 1,
          target: `all ${fileCount} queued exactly once`,
          met: allOnce,
        },
      ],
      notes: [
        `${fileCount} files of ${fileBytes} bytes written back to back by the driver (about ${Math.round(summarize(dropDurations).median)} ms to write them all); the agent's drain time has its ${stabilityWindowMs} ms stability window subtracted.`,
      ],
    };
  },
};
