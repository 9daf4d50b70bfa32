import fs from 'node:fs';
import path from 'node:path';
import type { ConfigInput } from '../../src/shared/config-schema.ts';
import { mergeConfigValues } from '../../src/main/core/config/index.ts';
import type { RequestRecord } from '../../tools/graph-emulator/index.ts';
import type { AgentProcessArguments, ReportedEvent } from '../processes/agent-process.ts';
import type { BareUploadArguments, BareUploadRun } from '../processes/bare-upload-process.ts';
import type { EmulatorInfo, EmulatorProcessArguments } from '../processes/emulator-process.ts';
import { startBenchChild, type BenchChild } from './bench-child.ts';
import { emulatorClientSecret, emulatorDeliveryConfig } from './emulator-client.ts';
import type { FigureContext } from './figure.ts';
import type { BenchFile } from './pending-tree.ts';

const agentEntry = new URL('../processes/agent-process.ts', import.meta.url);
const emulatorEntry = new URL('../processes/emulator-process.ts', import.meta.url);
const bareEntry = new URL('../processes/bare-upload-process.ts', import.meta.url);

/** The subfolder of the watched folder that holds preloaded files (intake excludes it). */
export const preloadedFolderName = 'preloaded';

/** An emulator in its own process on the counterpart core. */
export interface EmulatorProcess {
  child: BenchChild;
  info: EmulatorInfo;
  requests(): Promise<RequestRecord[]>;
  close(): Promise<void>;
}

/** Starts the Graph emulator in its own process, pinned to the counterpart core. */
export async function startEmulatorProcess(
  context: FigureContext,
  root: string,
  options: Pick<EmulatorProcessArguments, 'latencyMs' | 'throttle'> = {},
): Promise<EmulatorProcess> {
  const args: EmulatorProcessArguments = {
    rootDir: path.join(root, 'sharepoint'),
    caFile: path.join(root, 'ca.pem'),
    ...options,
  };
  const child = await startBenchChild(emulatorEntry, { args, cpu: context.pinning.peerCpu });
  const info = await child.call<EmulatorInfo>('info');
  return {
    child,
    info,
    requests: () => child.call<RequestRecord[]>('requests'),
    close: () => child.close(),
  };
}

/** What one agent delivery run measured. */
export interface AgentDeliveryRun {
  queuedAtMs: number;
  firstUploadingAtMs: number;
  lastDeliveredAtMs: number;
  deliveredCount: number;
  failedCount: number;
  /** CPU time of the agent process from queueing to the last delivery (µs). */
  cpuMicros: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
  events: ReportedEvent[];
}

/**
 * One delivery run of the real agent in its own process (subject core) against an emulator
 * process: start it with the given delivery settings, queue the preloaded files as intake would,
 * and wait until every one is delivered (or failed).
 */
export async function runAgentDelivery(
  context: FigureContext,
  options: {
    runName: string;
    emulator: EmulatorInfo;
    watchedFolder: string;
    files: BenchFile[];
    config: ConfigInput;
    timeoutMs: number;
    /** Called while the run is going, e.g. to sample. */
    settleMs?: number;
  },
): Promise<AgentDeliveryRun> {
  const dataDir = path.join(context.workDirectory, options.runName, 'data');
  const config = [
    {
      folders: [
        {
          id: 'bench',
          path: options.watchedFolder,
          exclude: [preloadedFolderName],
          target: { folderPath: 'Incoming' },
        },
      ],
      intake: { reconcileIntervalMs: 3_600_000 },
    },
    emulatorDeliveryConfig(options.emulator),
    options.config,
  ].reduce<Record<string, unknown>>(
    (merged, layer) => mergeConfigValues(merged, layer as Record<string, unknown>),
    {},
  );
  const args: AgentProcessArguments = {
    dataDir,
    config: config as ConfigInput,
    clientSecret: emulatorClientSecret,
    reportEvents: ['item.uploading', 'item.delivered', 'item.failed', 'item.retrying'],
  };
  const child = await startBenchChild(agentEntry, {
    args,
    cpu: context.pinning.subjectCpu,
    nodeFlags: context.subjectNodeFlags,
  });
  try {
    const events: ReportedEvent[] = [];
    let deliveredCount = 0;
    let failedCount = 0;
    child.onNotice('events', (data) => {
      for (const event of data as ReportedEvent[]) {
        events.push(event);
        if (event.type === 'item.delivered') deliveredCount += 1;
        if (event.type === 'item.failed') failedCount += 1;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 300));
    const rssBeforeBytes = await child.call<number>('resetPeak');
    const queued = await child.call<{ atMs: number; cpu: NodeJS.CpuUsage }>('queueFiles', {
      folderId: 'bench',
      files: options.files,
    });
    const deadline = performance.now() + options.timeoutMs;
    while (deliveredCount + failedCount < options.files.length) {
      if (performance.now() > deadline) {
        throw new Error(
          `only ${deliveredCount} of ${options.files.length} files were delivered within ${options.timeoutMs} ms (${failedCount} failed)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cpu = await child.call<NodeJS.CpuUsage>('cpu', queued.cpu);
    const peakRssBytes = await child.call<number>('peak');
    await child.call('flushEvents');
    const uploading = events.filter((event) => event.type === 'item.uploading');
    const delivered = events.filter((event) => event.type === 'item.delivered');
    return {
      queuedAtMs: queued.atMs,
      firstUploadingAtMs: Math.min(...uploading.map((event) => event.atMs)),
      lastDeliveredAtMs: Math.max(...delivered.map((event) => event.atMs)),
      deliveredCount,
      failedCount,
      cpuMicros: cpu.user + cpu.system,
      rssBeforeBytes,
      peakRssBytes,
      events,
    };
  } finally {
    await child.close();
    fs.rmSync(path.join(context.workDirectory, options.runName), { recursive: true, force: true });
  }
}

/** Starts the bare uploader (the delivery baseline) in its own process on the subject core. */
export async function startBareUploader(
  context: FigureContext,
  emulator: EmulatorInfo,
  concurrency: number,
): Promise<BenchChild> {
  const args: BareUploadArguments = { emulator, concurrency };
  return startBenchChild(bareEntry, { args, cpu: context.pinning.subjectCpu });
}

export type { BareUploadRun };
