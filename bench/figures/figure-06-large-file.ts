import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  uploadFragmentLimitBytes,
  uploadFragmentUnitBytes,
} from '../../src/shared/config-schema.ts';
import { QuickXorHash } from '../../src/shared/quick-xor-hash.ts';
import { alternateRuns } from '../lib/alternate-runs.ts';
import {
  preloadedFolderName,
  runAgentDelivery,
  startBareUploader,
  startEmulatorProcess,
  type BareUploadRun,
} from '../lib/delivery-runs.ts';
import { atLeast, type Figure, type FigureCheck, type FigureContext } from '../lib/figure.ts';
import { pseudoRandomBytes, type BenchFile } from '../lib/pending-tree.ts';
import { summarize } from '../lib/statistics.ts';

const mebibyte = 1024 * 1024;
/** The largest fragment Graph takes: a multiple of 320 KiB below 60 MiB (59.69 MiB). */
const largestFragmentBytes =
  Math.ceil(uploadFragmentLimitBytes / uploadFragmentUnitBytes - 1) * uploadFragmentUnitBytes;

/** Writes one large file of pseudo-random 1 MiB blocks and returns it with its real hashes. */
export function writeLargeFile(folder: string, relativePath: string, sizeBytes: number): BenchFile {
  const filePath = path.join(folder, relativePath);
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const handle = fs.openSync(filePath, 'w');
  const sha256 = createHash('sha256');
  const quickXor = new QuickXorHash();
  try {
    for (let offset = 0, block = 1; offset < sizeBytes; offset += mebibyte, block += 1) {
      const bytes = pseudoRandomBytes(Math.min(mebibyte, sizeBytes - offset), block);
      fs.writeSync(handle, bytes);
      sha256.update(bytes);
      quickXor.update(bytes);
    }
  } finally {
    fs.closeSync(handle);
  }
  const stats = fs.statSync(filePath);
  return {
    relativePath,
    sizeBytes: stats.size,
    mtimeMs: Math.floor(stats.mtimeMs),
    sha256: sha256.digest('hex'),
    quickXorHash: quickXor.digest(),
  };
}

interface LargeRun {
  megabytesPerSecond: number;
  rssGrowthMb: number;
}

async function measureChunkSize(
  context: FigureContext,
  watchedFolder: string,
  file: BenchFile,
  chunkBytes: number,
): Promise<{ baseline: LargeRun[]; subject: LargeRun[] }> {
  const megabytes = file.sizeBytes / 1e6;
  const timeoutMs = 120_000 + (file.sizeBytes / mebibyte) * 1_000;
  return alternateRuns({
    warmups: context.warmups,
    runs: context.runs,
    log: context.log,
    baseline: async (index) => {
      const root = path.join(context.workDirectory, `baseline-${chunkBytes}-${index}`);
      const emulator = await startEmulatorProcess(context, root);
      const bare = await startBareUploader(context, emulator.info, 1);
      try {
        const run = await bare.call<BareUploadRun>('uploadSession', {
          file: path.join(watchedFolder, file.relativePath),
          target: `Incoming/${file.relativePath}`,
          chunkBytes,
        });
        if (run.failures > 0) throw new Error(`the bare loop had ${run.failures} failed ranges`);
        return {
          megabytesPerSecond: megabytes / ((run.endedAtMs - run.startedAtMs) / 1000),
          rssGrowthMb: (run.peakRssBytes - run.rssBeforeBytes) / mebibyte,
        };
      } finally {
        await bare.close();
        await emulator.close();
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
    subject: async (index) => {
      const root = path.join(context.workDirectory, `agent-${chunkBytes}-${index}`);
      const emulator = await startEmulatorProcess(context, root);
      try {
        const run = await runAgentDelivery(context, {
          runName: `agent-run-${chunkBytes}-${index}`,
          emulator: emulator.info,
          watchedFolder,
          files: [file],
          config: { delivery: { chunkSizeBytes: chunkBytes } },
          timeoutMs,
        });
        if (run.failedCount > 0) throw new Error('SiteDrop failed the large file');
        return {
          megabytesPerSecond: megabytes / ((run.lastDeliveredAtMs - run.queuedAtMs) / 1000),
          rssGrowthMb: (run.peakRssBytes - run.rssBeforeBytes) / mebibyte,
        };
      } finally {
        await emulator.close();
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  });
}

/**
 * Figure 6: one large file (1 GiB) through an upload session in 10 MiB chunks and in the largest
 * Graph takes (just under 60 MiB), against a bare loop PUTting the same ranges from the same
 * file; MB/s and RSS growth.
 */
export const figureLargeFile: Figure = {
  id: 6,
  name: 'one 1 GiB file through an upload session (10 MiB and 59.69 MiB chunks)',
  target: '≥ 0.85 × MB/s; RSS growth ≤ 2 × chunk size',
  baselineDescription:
    'a bare loop: createUploadSession, then PUT each range read from the same file (node:https, keep-alive)',
  async run(context) {
    const sizeBytes = context.profile === 'full' ? 1024 * mebibyte : 32 * mebibyte;
    const watchedFolder = path.join(context.workDirectory, 'watched');
    context.log(`  writing a ${sizeBytes / mebibyte} MiB file`);
    const file = writeLargeFile(watchedFolder, `${preloadedFolderName}/large.bin`, sizeBytes);
    const checks: FigureCheck[] = [];
    for (const chunkBytes of [10 * mebibyte, largestFragmentBytes]) {
      const chunkMb = Number((chunkBytes / mebibyte).toFixed(2));
      context.log(`  chunks of ${chunkMb} MiB`);
      const runs = await measureChunkSize(context, watchedFolder, file, chunkBytes);
      const subjectRate = summarize(runs.subject.map((run) => run.megabytesPerSecond));
      const baselineRate = summarize(runs.baseline.map((run) => run.megabytesPerSecond));
      const subjectRss = summarize(runs.subject.map((run) => run.rssGrowthMb));
      const baselineRss = summarize(runs.baseline.map((run) => run.rssGrowthMb));
      checks.push(
        atLeast(
          {
            name: `throughput, ${chunkMb} MiB chunks`,
            unit: 'MB/s',
            value: subjectRate,
            baseline: baselineRate,
            target: '≥ 0.85 × baseline',
          },
          0.85 * baselineRate.median,
        ),
        {
          name: `RSS growth, ${chunkMb} MiB chunks`,
          unit: 'MiB',
          value: subjectRss,
          baseline: baselineRss,
          limit: 2 * chunkMb,
          target: `≤ 2 × chunk (${2 * chunkMb} MiB)`,
          met: subjectRss.max <= 2 * chunkMb,
        },
      );
    }
    return {
      checks,
      notes: [
        `A ${sizeBytes / mebibyte} MiB file of incompressible bytes; a fresh emulator process per run. SiteDrop's time runs from queueing to item.delivered (so it includes the token, the site lookup and the hash check); its RSS growth is the highest RSS sampled every 10 ms during the run minus the RSS just before queueing, and the RSS verdict uses the largest run, not the median.`,
      ],
    };
  },
};
