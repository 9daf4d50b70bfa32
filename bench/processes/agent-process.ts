/**
 * A bench child: the real SiteDrop agent (startAgent: intake, delivery, feed, store) in its own
 * process, on a data directory and config the driver chose. It reports the events the driver
 * asks for, each stamped with crossProcessNowMs() right after the bus published it (so after
 * COMMIT), and answers calls for counts, memory and the feed's address.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { ConfigInput } from '../../src/shared/config-schema.ts';
import { startAgent } from '../../src/main/core/agent.ts';
import { secretNames } from '../../src/main/core/platform.ts';
import { MemorySecretStore } from '../../src/main/cli/demo-command.ts';
import { crossProcessNowMs } from '../lib/cross-process-clock.ts';
import type { BenchFile } from '../lib/pending-tree.ts';
import {
  notifyParent,
  readChildArguments,
  readMemory,
  sampleRss,
  serveParent,
} from '../lib/serve-parent.ts';

/** What the driver passes to the agent process. */
export interface AgentProcessArguments {
  dataDir: string;
  /** Written to DATA_DIR/config.json (the user config layer); defaults are empty. */
  config: ConfigInput;
  /** The client secret to hold in memory (the emulator's demo secret), if delivery should run. */
  clientSecret?: string;
  /** Event types to report, e.g. ['item.queued']. */
  reportEvents: string[];
  /**
   * Record the largest `bufferedAmount` any WebSocket reached after a send (figure 9: a paused
   * client stays under its cap). Measured by wrapping ws's send in this bench process only.
   */
  trackWebSocketBuffers?: boolean;
  /** The feed's client limit (default 32; figure 9 connects 51). */
  feedMaxClients?: number;
}

/** One reported event. */
export interface ReportedEvent {
  type: string;
  seq: number | undefined;
  itemId: number | undefined;
  path: string | undefined;
  /** crossProcessNowMs() when the bus published it. */
  atMs: number;
}

const options = readChildArguments<AgentProcessArguments>();
let largestBufferedBytes = 0;
if (options.trackWebSocketBuffers) {
  const originalSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function send(
    this: WebSocket,
    ...args: Parameters<WebSocket['send']>
  ) {
    originalSend.apply(this, args);
    largestBufferedBytes = Math.max(largestBufferedBytes, this.bufferedAmount);
  } as WebSocket['send'];
}
const cpuBeforeStart = process.cpuUsage();
fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
fs.writeFileSync(path.join(options.dataDir, 'config.json'), JSON.stringify(options.config));
const startingAtMs = crossProcessNowMs();
const agent = await startAgent({
  dataDir: options.dataDir,
  defaults: {},
  policyPath: path.join(options.dataDir, 'no-policy.json'),
  feedPort: 0,
  ...(options.feedMaxClients !== undefined
    ? { feedLimits: { maxClients: options.feedMaxClients } }
    : {}),
  secretStore: new MemorySecretStore(
    options.clientSecret ? { [secretNames.clientSecret]: options.clientSecret } : {},
  ),
});
const startedAtMs = crossProcessNowMs();

const reported = new Set(options.reportEvents);
let batch: ReportedEvent[] = [];
agent.bus.onDidAny((event) => {
  if (!reported.has(event.type)) return;
  const data = event.data as { itemId?: number; path?: string };
  batch.push({
    type: event.type,
    seq: event.seq,
    itemId: data.itemId,
    path: data.path,
    atMs: crossProcessNowMs(),
  });
});
const flush = () => {
  if (batch.length === 0) return;
  notifyParent('events', batch);
  batch = [];
};
const flushTimer = setInterval(flush, 50);

/** Samples RSS from resetPeak to peak only (figure 6's runs), not through the other figures. */
let rssSampler: ReturnType<typeof sampleRss> | undefined;

serveParent({
  /**
   * Queues files as intake would (one transaction), for delivery figures that measure delivery
   * alone: the files sit in a subfolder the config excludes from intake.
   */
  queueFiles: (args) => {
    const { folderId, files } = args as { folderId: string; files: BenchFile[] };
    const cpu = process.cpuUsage();
    const atMs = crossProcessNowMs();
    agent.store.transaction(() => {
      for (const file of files) {
        agent.store.insertItem(
          { ...file, folderId, targetPath: `Incoming/${file.relativePath}`, library: 'Documents' },
          'queued',
          { folderId, path: file.relativePath, sizeBytes: file.sizeBytes, reason: 'new' },
        );
      }
    });
    return { atMs, cpu };
  },
  /** CPU time (user + system, µs) since `since`, or since before startAgent. */
  cpu: (since) => process.cpuUsage((since as NodeJS.CpuUsage | undefined) ?? cpuBeforeStart),
  /** Starts sampling RSS anew (10 ms samples); returns the RSS now. */
  resetPeak: () => {
    rssSampler?.stop();
    rssSampler = sampleRss();
    return process.memoryUsage.rss();
  },
  /** The highest RSS sampled since resetPeak; sampling stops. */
  peak: () => {
    const peakBytes = rssSampler?.stop() ?? process.memoryUsage.rss();
    rssSampler = undefined;
    return peakBytes;
  },
  startup: () => ({ startingAtMs, startedAtMs }),
  flushEvents: () => flush(),
  stats: () => {
    const items = agent.store.listItems({ limit: Number.MAX_SAFE_INTEGER });
    return {
      itemCount: items.length,
      distinctPaths: new Set(items.map((item) => `${item.folderId}/${item.relativePath}`)).size,
      counts: agent.store.countsByState(),
    };
  },
  memory: () => readMemory(),
  /** Checks every responses mapping now (as "Check now" does); resolves when it is done. */
  checkResponses: async () => {
    const startedAtMs = crossProcessNowMs();
    await agent.responses.checkNow();
    return { startedAtMs, endedAtMs: crossProcessNowMs() };
  },
  largestBufferedBytes: () => largestBufferedBytes,
  rescan: async () => {
    const started = performance.now();
    await agent.intake.rescanNow();
    return { durationMs: performance.now() - started };
  },
  feed: () => ({
    url: agent.feed.url,
    token: agent.feed.token,
    dashboardUrl: agent.feed.dashboardUrl,
  }),
  close: async () => {
    clearInterval(flushTimer);
    rssSampler?.stop();
    flush();
    await agent.close('bench finished');
  },
});
