import fs from 'node:fs';
import path from 'node:path';
import { alternateRuns } from '../lib/alternate-runs.ts';
import {
  preloadedFolderName,
  runAgentDelivery,
  startBareUploader,
  startEmulatorProcess,
  type BareUploadRun,
} from '../lib/delivery-runs.ts';
import type { FigureCheck, FigureContext } from '../lib/figure.ts';
import { writeBenchFiles } from '../lib/pending-tree.ts';
import { percentile, summarize, type Summary } from '../lib/statistics.ts';
import type { RequestRecord } from '../../tools/graph-emulator/index.ts';

const concurrency = 8;
const fileBytes = 4096;

/** One side's throughput and CPU cost in one run. */
export interface ThroughputRun {
  filesPerSecond: number;
  cpuMicrosPerFile: number;
  /** Requests the emulator logged per file (what the client asked for). */
  requestsPerFile: number;
  /** Median time an upload spent in the emulator, arrival to response (ms). */
  serverMsPerUpload: number;
}

/** The median time from arrival to response of the emulator's logged content PUTs (ms). */
function medianServerMs(records: readonly RequestRecord[]): number {
  return percentile(
    records
      .filter((record) => record.method === 'PUT' && record.path.endsWith(':/content'))
      .map((record) => record.endedAt - record.startedAt),
    50,
  );
}

/** Both sides' runs of figures 3 and 4. */
type ThroughputRuns = { baseline: ThroughputRun[]; subject: ThroughputRun[] };

/** A line reported beside a figure's verdicts: one measure of each side's runs, no limit. */
function reportedCheck(
  runs: ThroughputRuns,
  fields: { name: string; unit: string },
  measure: (run: ThroughputRun) => number,
): FigureCheck {
  return {
    ...fields,
    value: summarize(runs.subject.map(measure)),
    baseline: summarize(runs.baseline.map(measure)),
    limit: null,
    target: 'reported',
    met: null,
  };
}

/**
 * The emulator's time per upload on each side, reported beside figure 4's verdicts: with
 * `latencyMs` as the server's response time, what Little's law is computed with.
 */
export function serverTimeCheck(runs: ThroughputRuns): FigureCheck {
  return reportedCheck(
    runs,
    {
      name: 'time an upload spent in the emulator, arrival to response (median of the run)',
      unit: 'ms',
    },
    (run) => run.serverMsPerUpload,
  );
}

/** A run's CPU per file of the client process (ms). */
const cpuMsPerFile = (run: ThroughputRun) => run.cpuMicrosPerFile / 1000;

/** Each side's CPU per file (ms): figure 3 judges it; figure 4 reports it beside figure 3's. */
export function cpuPerFileMs(runs: readonly ThroughputRun[]): Summary {
  return summarize(runs.map(cpuMsPerFile));
}

/**
 * The client process's CPU per file, reported beside figure 4's verdicts: with the server's
 * responses spread out by its latency, what each side spends per file against figure 3's.
 */
export function cpuPerFileCheck(runs: ThroughputRuns): FigureCheck {
  return reportedCheck(runs, { name: 'CPU per file (client process)', unit: 'ms' }, cpuMsPerFile);
}

/** The requests each side made per file, reported beside figures 3 and 4's verdicts. */
export function requestsPerFileCheck(runs: ThroughputRuns): FigureCheck {
  return reportedCheck(
    runs,
    { name: 'requests per file', unit: 'requests' },
    (run) => run.requestsPerFile,
  );
}

/**
 * Runs SiteDrop's delivery and the bare upload loop alternately, each against a fresh emulator
 * process (so no run finds the previous run's files), on the same preloaded 4 KiB files.
 */
export async function measureUploadThroughput(
  context: FigureContext,
  options: { fileCount: number; latencyMs: number },
): Promise<ThroughputRuns> {
  const watchedFolder = path.join(context.workDirectory, 'watched');
  context.log(`  writing ${options.fileCount} files of ${fileBytes} bytes`);
  const files = writeBenchFiles(watchedFolder, {
    fileCount: options.fileCount,
    fileBytes,
    prefix: preloadedFolderName,
  });
  const perRequestTimeoutMs =
    60_000 + (options.fileCount * (options.latencyMs + 50) * 2) / concurrency;
  return alternateRuns({
    warmups: context.warmups,
    runs: context.runs,
    log: context.log,
    baseline: async (index) => {
      const root = path.join(context.workDirectory, `baseline-${index}`);
      const emulator = await startEmulatorProcess(context, root, { latencyMs: options.latencyMs });
      const bare = await startBareUploader(context, emulator.info, concurrency);
      try {
        const before = (await emulator.requests()).length;
        const run = await bare.call<BareUploadRun>('uploadFiles', {
          folder: path.join(watchedFolder, preloadedFolderName),
          targetFolder: 'Incoming',
        });
        if (run.failures > 0) throw new Error(`the bare loop had ${run.failures} failed uploads`);
        const records = await emulator.requests();
        return {
          filesPerSecond: run.fileCount / ((run.endedAtMs - run.startedAtMs) / 1000),
          cpuMicrosPerFile: run.cpuMicros / run.fileCount,
          requestsPerFile: (records.length - before) / run.fileCount,
          serverMsPerUpload: medianServerMs(records.slice(before)),
        };
      } finally {
        await bare.close();
        await emulator.close();
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
    subject: async (index) => {
      const root = path.join(context.workDirectory, `agent-${index}`);
      const emulator = await startEmulatorProcess(context, root, { latencyMs: options.latencyMs });
      try {
        const run = await runAgentDelivery(context, {
          runName: `agent-run-${index}`,
          emulator: emulator.info,
          watchedFolder,
          files,
          config: { delivery: { concurrency } },
          timeoutMs: perRequestTimeoutMs,
          // Connected first, as the bare loop is before its clock starts: files are queued once
          // the emulator has answered delivery's drive lookup (docs/delivery.md, "Connecting at
          // start"), as they would reach an agent that has been running for a while.
          isConnected: async () =>
            (await emulator.requests()).some(
              (record) => record.path.endsWith('/drives') && record.status === 200,
            ),
        });
        if (run.failedCount > 0) throw new Error(`SiteDrop failed ${run.failedCount} items`);
        const requests = await emulator.requests();
        const uploadRequests = requests.filter(
          (record) => record.startedAt >= run.queuedAtMs && !record.path.includes('/oauth2/'),
        ).length;
        return {
          filesPerSecond: files.length / ((run.lastDeliveredAtMs - run.queuedAtMs) / 1000),
          cpuMicrosPerFile: run.cpuMicros / files.length,
          requestsPerFile: uploadRequests / files.length,
          serverMsPerUpload: medianServerMs(requests),
        };
      } finally {
        await emulator.close();
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  });
}
