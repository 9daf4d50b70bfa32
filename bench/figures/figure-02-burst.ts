import fs from 'node:fs';
import path from 'node:path';
import { alternateRuns } from '../lib/alternate-runs.ts';
import { crossProcessNowMs } from '../lib/cross-process-clock.ts';
import { atMost, type Figure } from '../lib/figure.ts';
import { runAgentIntake, runBaselineIntake, type Dropper } from '../lib/intake-runs.ts';
import { summarize } from '../lib/statistics.ts';

const fullStabilityWindowMs = 2_000;
const smokeStabilityWindowMs = 200;
const fileBytes = 1024;

/**
 * Figure 2: a burst of files dropped at once. Drain time runs from the first file dropped to the
 * last one queued (the agent's minus its stability window); every file must be queued exactly
 * once. Against fs.watch plus one transaction per event-loop tick. Measured for files moved in
 * at once (the verdict) and for files written in place by the driver (reported).
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
    const nameOf = (index: number) => `burst-${String(index).padStart(5, '0')}.pdf`;
    // Dropped at once: written beside the folder first, then moved in one after another (as a
    // person moving a selection within a disk does); the drop is timed from the first move.
    const moveIn: Dropper = async (folder) => {
      const staging = `${folder}-staging`;
      fs.mkdirSync(staging);
      for (let index = 0; index < fileCount; index += 1) {
        fs.writeFileSync(path.join(staging, nameOf(index)), content);
      }
      const droppedAt = new Map<string, number>();
      const startedAt = crossProcessNowMs();
      for (let index = 0; index < fileCount; index += 1) {
        droppedAt.set(nameOf(index), startedAt);
        fs.renameSync(path.join(staging, nameOf(index)), path.join(folder, nameOf(index)));
      }
      return droppedAt;
    };
    // Copied in: the driver writes each file into the folder (as a copy from another disk
    // does), so the drain includes the time the disk takes to write them.
    const writeInPlace: Dropper = async (folder) => {
      const droppedAt = new Map<string, number>();
      const startedAt = crossProcessNowMs();
      for (let index = 0; index < fileCount; index += 1) {
        droppedAt.set(nameOf(index), startedAt);
        fs.writeFileSync(path.join(folder, nameOf(index)), content);
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

    /** Baseline and agent alternately, with one way of dropping; drain times and drop times. */
    const measure = async (label: string, drop: Dropper) => {
      const dropDurations: number[] = [];
      const timedDrop: Dropper = async (folder) => {
        const dropped = await drop(folder);
        dropDurations.push(crossProcessNowMs() - Math.min(...dropped.values()));
        return dropped;
      };
      const runs = await alternateRuns({
        warmups: context.warmups,
        runs: context.runs,
        log: context.log,
        baseline: async (index) =>
          drainMs(
            await runBaselineIntake(context, {
              runName: `baseline-${label}-${index}`,
              mode: 'per-tick',
              expected: fileCount,
              drop: timedDrop,
              timeoutMs,
            }),
            0,
          ),
        subject: async (index) => {
          const run = await runAgentIntake(context, {
            runName: `agent-${label}-${index}`,
            stabilityWindowMs,
            expected: fileCount,
            drop: timedDrop,
            timeoutMs,
          });
          exactlyOnce.push(
            run.duplicateCount === 0 &&
              run.itemCount === fileCount &&
              run.distinctPaths === fileCount,
          );
          context.log(
            `    ${label}: drained in ${Math.round(drainMs(run, stabilityWindowMs))} ms after the window; items ${run.itemCount}, duplicates ${run.duplicateCount}`,
          );
          return drainMs(run, stabilityWindowMs);
        },
      });
      return {
        baseline: summarize(runs.baseline),
        subject: summarize(runs.subject),
        dropMs: summarize(dropDurations).median,
      };
    };
    context.log('  dropped at once (moved in)');
    const atOnce = await measure('moved', moveIn);
    context.log('  copied in (written in place by the driver)');
    const copied = await measure('written', writeInPlace);
    const allOnce = exactlyOnce.every(Boolean);
    return {
      checks: [
        atMost(
          {
            name: 'drain time, dropped at once (moved in)',
            unit: 'ms',
            value: atOnce.subject,
            baseline: atOnce.baseline,
            target: 'drain ≤ 1.5 × baseline',
          },
          1.5 * atOnce.baseline.median,
        ),
        {
          name: 'drain time, copied in (written in place by the driver)',
          unit: 'ms',
          value: copied.subject,
          baseline: copied.baseline,
          limit: null,
          target: 'reported',
          met: null,
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
        `${fileCount} files of ${fileBytes} bytes, dropped two ways, each with its own baseline runs: moved in at once from beside the folder (the verdict; the driver took about ${Math.round(atOnce.dropMs)} ms to move them all) and written in place by the driver, as a copy from another disk does (reported; about ${Math.round(copied.dropMs)} ms to write them all, a time that varied between runs with the disk's writeback by more than SiteDrop's own work). Drain: from the first file dropped to the last one queued; the agent's has its ${stabilityWindowMs} ms stability window subtracted. Until 2026-11-21 the figure measured only the second way, in which the baseline's drain is mostly the driver's writing and SiteDrop's work hides under it.`,
      ],
    };
  },
};
