import fs from 'node:fs';
import path from 'node:path';
import type { ConfigInput } from '../../src/shared/config-schema.ts';
import { emulatorConfigLayer } from '../../src/main/cli/demo-command.ts';
import type { AgentProcessArguments, ReportedEvent } from '../processes/agent-process.ts';
import type { BareDownloadRun } from '../processes/bare-download-process.ts';
import { alternateRuns } from '../lib/alternate-runs.ts';
import { startBenchChild } from '../lib/bench-child.ts';
import { startEmulatorProcess } from '../lib/delivery-runs.ts';
import { emulatorClientSecret } from '../lib/emulator-client.ts';
import { atLeast, type Figure, type FigureContext } from '../lib/figure.ts';
import { pollUntil } from '../lib/poll-until.ts';
import { summarize } from '../lib/statistics.ts';
import { writeLargeFile } from './figure-06-large-file.ts';

const agentEntry = new URL('../processes/agent-process.ts', import.meta.url);
const bareEntry = new URL('../processes/bare-download-process.ts', import.meta.url);
const mebibyte = 1024 * 1024;
/** The agent syncs a download and stores its offset every 8 MiB: the chunk RSS is held to. */
const chunkBytes = 8 * mebibyte;

interface DownloadRun {
  megabytesPerSecond: number;
  rssGrowthMb: number;
}

/** The real agent, its responses folder mapped to `Answers`, bringing the file there. */
async function runAgentDownload(
  context: FigureContext,
  root: string,
  emulator: Awaited<ReturnType<typeof startEmulatorProcess>>,
  sizeBytes: number,
): Promise<DownloadRun> {
  const watched = path.join(root, 'watched');
  fs.mkdirSync(watched, { recursive: true });
  const config = {
    folders: [
      {
        id: 'bench',
        path: watched,
        target: { folderPath: 'Incoming' },
        responses: {
          enabled: true,
          remotePath: 'Answers',
          localFolder: path.join(root, 'responses'),
          alsoBringExisting: true,
        },
      },
    ],
    responses: { minimumFreeBytes: 0 },
    ...emulatorConfigLayer(emulator.info),
  } as ConfigInput;
  const args: AgentProcessArguments = {
    dataDir: path.join(root, 'data'),
    config,
    clientSecret: emulatorClientSecret,
    reportEvents: ['response.downloading', 'response.ready', 'response.failed'],
  };
  const child = await startBenchChild(agentEntry, {
    args,
    cpu: context.pinning.subjectCpu,
    nodeFlags: context.subjectNodeFlags,
  });
  const events: ReportedEvent[] = [];
  child.onNotice('events', (data) => events.push(...(data as ReportedEvent[])));
  try {
    const rssBeforeBytes = await child.call<number>('resetPeak');
    await pollUntil(
      () => events.some((event) => event.type !== 'response.downloading'),
      120_000 + (sizeBytes / mebibyte) * 1_000,
      () => 'the agent did not bring the response in time',
    );
    const peakRssBytes = await child.call<number>('peak');
    const started = events.find((event) => event.type === 'response.downloading');
    const ready = events.find((event) => event.type === 'response.ready');
    if (!started || !ready) throw new Error('SiteDrop failed the response');
    return {
      megabytesPerSecond: sizeBytes / 1e6 / ((ready.atMs - started.atMs) / 1000),
      rssGrowthMb: (peakRssBytes - rssBeforeBytes) / mebibyte,
    };
  } finally {
    await child.close();
  }
}

/** Runs one side against a fresh emulator process holding the file in `Answers/`. */
async function withRemoteFile<T>(
  context: FigureContext,
  root: string,
  sourceFile: string,
  run: (emulator: Awaited<ReturnType<typeof startEmulatorProcess>>, itemId: string) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulatorProcess(context, root);
  try {
    const itemId = await emulator.child.call<string>('putFile', {
      remotePath: 'Answers/large.bin',
      sourceFile,
    });
    return await run(emulator, itemId);
  } finally {
    await emulator.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Figure 12: one large response (1 GiB) brought back by the real agent (delta, then the
 * download with its syncs and offsets, hash check, rename into place), against a bare loop that
 * streams the same file from the same download URL into a file, fsyncs and renames it; MB/s
 * from the first byte asked for to the file in place, and RSS growth.
 */
export const figureLargeDownload: Figure = {
  id: 12,
  name: 'one 1 GiB response brought back',
  target: '≥ 0.9 × MB/s; RSS growth ≤ 2 × 8 MiB (the sync interval)',
  baselineDescription:
    'a bare loop: the item’s download URL, one GET streamed into a file (node:https, keep-alive), fsync, rename',
  async run(context) {
    const sizeBytes = context.profile === 'full' ? 1024 * mebibyte : 32 * mebibyte;
    const sourceFolder = path.join(context.workDirectory, 'source');
    context.log(`  writing a ${sizeBytes / mebibyte} MiB file`);
    const file = writeLargeFile(sourceFolder, 'large.bin', sizeBytes);
    const sourceFile = path.join(sourceFolder, file.relativePath);
    const runs = await alternateRuns({
      warmups: context.warmups,
      runs: context.runs,
      log: context.log,
      baseline: (index) => {
        const root = path.join(context.workDirectory, `baseline-${index}`);
        return withRemoteFile(context, root, sourceFile, async (emulator, itemId) => {
          const bare = await startBenchChild(bareEntry, {
            args: { emulator: emulator.info },
            cpu: context.pinning.subjectCpu,
          });
          try {
            const target = path.join(root, 'large.bin');
            const run = await bare.call<BareDownloadRun>('download', { itemId, target });
            if (run.sizeBytes !== sizeBytes) throw new Error('the bare loop lost bytes');
            return {
              megabytesPerSecond: sizeBytes / 1e6 / ((run.endedAtMs - run.startedAtMs) / 1000),
              rssGrowthMb: (run.peakRssBytes - run.rssBeforeBytes) / mebibyte,
            };
          } finally {
            await bare.close();
          }
        });
      },
      subject: (index) => {
        const root = path.join(context.workDirectory, `agent-${index}`);
        return withRemoteFile(context, root, sourceFile, (emulator) =>
          runAgentDownload(context, root, emulator, sizeBytes),
        );
      },
    });
    const rate = summarize(runs.subject.map((run) => run.megabytesPerSecond));
    const baselineRate = summarize(runs.baseline.map((run) => run.megabytesPerSecond));
    const rss = summarize(runs.subject.map((run) => run.rssGrowthMb));
    const baselineRss = summarize(runs.baseline.map((run) => run.rssGrowthMb));
    const rssLimitMb = (2 * chunkBytes) / mebibyte;
    return {
      checks: [
        atLeast(
          {
            name: 'throughput',
            unit: 'MB/s',
            value: rate,
            baseline: baselineRate,
            target: '≥ 0.9 × baseline',
          },
          0.9 * baselineRate.median,
        ),
        {
          name: 'RSS growth',
          unit: 'MiB',
          value: rss,
          baseline: baselineRss,
          limit: rssLimitMb,
          target: `≤ 2 × chunk (${rssLimitMb} MiB)`,
          met: rss.max <= rssLimitMb,
        },
      ],
      notes: [
        `A ${sizeBytes / mebibyte} MiB file of incompressible bytes in the emulator's Answers folder; a fresh emulator process per run. SiteDrop's time runs from response.downloading to response.ready (so it includes the hash check, the syncs every 8 MiB, the mtime and the link into place, but not the delta check before it); its RSS growth is the highest RSS sampled every 10 ms from just after start to the end minus the RSS then, and the RSS verdict uses the largest run.`,
      ],
    };
  },
};
