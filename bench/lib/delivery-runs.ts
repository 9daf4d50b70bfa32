import fs from 'node:fs';
import path from 'node:path';
import type { ConfigInput } from '../../src/shared/config-schema.ts';
import { mergeConfigValues } from '../../src/main/core/config/index.ts';
import type { RequestRecord } from '../../tools/graph-emulator/index.ts';
import type { AgentProcessArguments, ReportedEvent } from '../processes/agent-process.ts';
import type { BareUploadArguments, BareUploadRun } from '../processes/bare-upload-process.ts';
import type { EmulatorInfo, EmulatorProcessArguments } from '../processes/emulator-process.ts';
import { startBenchChild, type BenchChild } from './bench-child.ts';
import { pollUntil } from './poll-until.ts';
import { emulatorConfigLayer } from '../../src/main/cli/demo-command.ts';
import { emulatorClientSecret } from './emulator-client.ts';
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

/** Options of an agent started for delivery figures. */
export interface DeliveryAgentOptions {
  runName: string;
  emulator: EmulatorInfo;
  watchedFolder: string;
  config: ConfigInput;
}

/** A running agent process for delivery figures, with the events it reported so far. */
export interface DeliveryAgent {
  child: BenchChild;
  events: ReportedEvent[];
  counts: { delivered: number; failed: number };
  /** Queues files as intake would; resolves with when (crossProcessNowMs) and the CPU then. */
  queue(files: BenchFile[]): Promise<{ atMs: number; cpu: NodeJS.CpuUsage }>;
  close(): Promise<void>;
}

/**
 * Starts the real agent in its own process (subject core), configured for the emulator process,
 * with a watched folder whose `preloaded/` subfolder intake excludes.
 */
export async function startDeliveryAgent(
  context: FigureContext,
  options: DeliveryAgentOptions,
): Promise<DeliveryAgent> {
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
    emulatorConfigLayer(options.emulator),
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
  const events: ReportedEvent[] = [];
  const counts = { delivered: 0, failed: 0 };
  child.onNotice('events', (data) => {
    for (const event of data as ReportedEvent[]) {
      events.push(event);
      if (event.type === 'item.delivered') counts.delivered += 1;
      if (event.type === 'item.failed') counts.failed += 1;
    }
  });
  return {
    child,
    events,
    counts,
    queue: (files) =>
      child.call<{ atMs: number; cpu: NodeJS.CpuUsage }>('queueFiles', {
        folderId: 'bench',
        files,
      }),
    async close() {
      await child.close();
      fs.rmSync(path.join(context.workDirectory, options.runName), {
        recursive: true,
        force: true,
      });
    },
  };
}

/**
 * One delivery run of the real agent in its own process (subject core) against an emulator
 * process: start it, queue the preloaded files as intake would, and wait until every one is
 * delivered (or failed).
 */
export async function runAgentDelivery(
  context: FigureContext,
  options: DeliveryAgentOptions & {
    files: BenchFile[];
    timeoutMs: number;
    /** When given, files are queued only once it says so (and at least 300 ms after start). */
    isConnected?: () => Promise<boolean>;
  },
): Promise<AgentDeliveryRun> {
  const agent = await startDeliveryAgent(context, options);
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { isConnected } = options;
    if (isConnected) {
      await pollUntil(
        isConnected,
        30_000,
        () => 'the agent did not connect to the emulator within 30 s',
      );
    }
    const rssBeforeBytes = await agent.child.call<number>('resetPeak');
    const queued = await agent.queue(options.files);
    await pollUntil(
      () => agent.counts.delivered + agent.counts.failed >= options.files.length,
      options.timeoutMs,
      () =>
        `only ${agent.counts.delivered} of ${options.files.length} files were delivered within ${options.timeoutMs} ms (${agent.counts.failed} failed)`,
    );
    const cpu = await agent.child.call<NodeJS.CpuUsage>('cpu', queued.cpu);
    const peakRssBytes = await agent.child.call<number>('peak');
    await agent.child.call('flushEvents');
    const uploading = agent.events.filter((event) => event.type === 'item.uploading');
    const delivered = agent.events.filter((event) => event.type === 'item.delivered');
    return {
      queuedAtMs: queued.atMs,
      firstUploadingAtMs: Math.min(...uploading.map((event) => event.atMs)),
      lastDeliveredAtMs: Math.max(...delivered.map((event) => event.atMs)),
      deliveredCount: agent.counts.delivered,
      failedCount: agent.counts.failed,
      cpuMicros: cpu.user + cpu.system,
      rssBeforeBytes,
      peakRssBytes,
      events: agent.events,
    };
  } finally {
    await agent.close();
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
