import fs from 'node:fs';
import path from 'node:path';
import {
  feedPath,
  feedSubprotocol,
  feedTokenSubprotocolPrefix,
} from '../../src/shared/feed-protocol.ts';
import type { ReportedEvent } from '../processes/agent-process.ts';
import type { FeedClientsArguments, FeedClientsReport } from '../processes/feed-clients-process.ts';
import { alternateRuns } from '../lib/alternate-runs.ts';
import { startBenchChild, type BenchChild } from '../lib/bench-child.ts';
import { atLeast, atMost, type Figure, type FigureContext } from '../lib/figure.ts';
import { intakeAgentConfig } from '../lib/intake-runs.ts';
import { pollUntil } from '../lib/poll-until.ts';
import { summarize } from '../lib/statistics.ts';

const agentEntry = new URL('../processes/agent-process.ts', import.meta.url);
const clientsEntry = new URL('../processes/feed-clients-process.ts', import.meta.url);
const bareEntry = new URL('../processes/bare-ws-process.ts', import.meta.url);
const clientCount = 50;
/** The feed's default cap on one client's unsent bytes (feed-server.ts, maxBufferedBytes). */
const bufferCapBytes = 1024 * 1024;
/**
 * An item.queued event frame as the feed sends it to a protocol-version-1 client: the
 * baseline's pre-serialized message, one per event.
 */
const frameTemplate = JSON.stringify({
  type: 'event',
  v: 1,
  event: {
    seq: 0,
    at: 1_763_700_000_000,
    type: 'item.queued',
    data: {
      itemId: 12_345,
      folderId: 'bench',
      path: 'burst-01234.pdf',
      sizeBytes: 1024,
      reason: 'new',
    },
  },
});

interface FanOutRun {
  messagesPerSecond: number;
  p99DelayMs: number;
  p50DelayMs: number;
  largestBufferedBytes: number;
  pausedComplete: boolean;
  /** Whether every live client received every event once, in order. */
  liveComplete: boolean;
  /** Frames carrying events that the live clients received (the baseline: one per event). */
  eventFrames: number;
  /** From the first event committed (or sent) to the last frame received. */
  spanMs: number;
  /** How long the driver took to move the burst's files into the folder (SiteDrop only). */
  dropMs: number;
}

function waitUntil(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  return pollUntil(condition, timeoutMs, () => `timed out waiting for ${what}`, 50);
}

function startClients(context: FigureContext, args: FeedClientsArguments): Promise<BenchChild> {
  return startBenchChild(clientsEntry, { args, cpu: context.pinning.peerCpu });
}

async function runBaseline(context: FigureContext, eventCount: number): Promise<FanOutRun> {
  const server = await startBenchChild(bareEntry, {
    args: { frameTemplate },
    cpu: context.pinning.subjectCpu,
  });
  const port = await server.call<number>('port');
  const clients = await startClients(context, {
    url: `ws://127.0.0.1:${port}/`,
    protocols: [],
    clientCount,
    hasPausedClient: false,
  });
  try {
    const sentAt = await server.call<[number, number][]>('send', { count: eventCount, batch: 50 });
    const lastSent = Math.max(...sentAt.map(([seq]) => seq));
    await waitUntil(
      async () => (await clients.call<number>('lastSeq')) >= lastSent,
      120_000,
      'the bare clients',
    );
    const report = await clients.call<FeedClientsReport>('report', { sentAt });
    const firstSent = sentAt[0]?.[1] ?? Number.NaN;
    return {
      messagesPerSecond: report.messages / ((report.lastReceivedAtMs - firstSent) / 1000),
      p99DelayMs: report.p99DelayMs,
      p50DelayMs: report.p50DelayMs,
      largestBufferedBytes: 0,
      pausedComplete: true,
      liveComplete: report.completeClients === clientCount,
      eventFrames: report.eventFrames,
      spanMs: report.lastReceivedAtMs - firstSent,
      dropMs: 0,
    };
  } finally {
    await clients.close();
    await server.close();
  }
}

async function runAgent(
  context: FigureContext,
  index: number,
  options: { eventCount: number; stabilityWindowMs: number },
): Promise<FanOutRun> {
  const root = path.join(context.workDirectory, `agent-${index}`);
  const folder = path.join(root, 'folder');
  fs.mkdirSync(folder, { recursive: true });
  const agent = await startBenchChild(agentEntry, {
    args: {
      dataDir: path.join(root, 'data'),
      config: intakeAgentConfig(folder, options.stabilityWindowMs),
      reportEvents: ['item.queued'],
      trackWebSocketBuffers: true,
      feedMaxClients: clientCount + 1,
    },
    cpu: context.pinning.subjectCpu,
    nodeFlags: context.subjectNodeFlags,
  });
  const published = new Map<number, number>();
  agent.onNotice('events', (data) => {
    for (const event of data as ReportedEvent[])
      if (event.seq !== undefined) published.set(event.seq, event.atMs);
  });
  let clients: BenchChild | undefined;
  try {
    const feed = await agent.call<{ url: string; token: string }>('feed');
    clients = await startClients(context, {
      url: `${feed.url.replace(/^http/, 'ws')}${feedPath}`,
      protocols: [feedSubprotocol, `${feedTokenSubprotocolPrefix}${feed.token}`],
      clientCount,
      hasPausedClient: true,
    });
    await clients.call('pause');
    // The files are written beside the watched folder, then moved in (as a scanner or a sync
    // tool drops files): writing 10,000 files takes the driver 6-8 s on the clients' core, and
    // no event can be committed before its file exists, so written in place they bounded the
    // span this figure divides by, whatever intake and the feed did (issue 7).
    const content = Buffer.alloc(1024, 0x63);
    const staging = path.join(root, 'staging');
    fs.mkdirSync(staging);
    const names = Array.from(
      { length: options.eventCount },
      (_, file) => `burst-${String(file).padStart(5, '0')}.pdf`,
    );
    for (const name of names) fs.writeFileSync(path.join(staging, name), content);
    const dropStartedAt = performance.now();
    for (const name of names) fs.renameSync(path.join(staging, name), path.join(folder, name));
    const dropMs = performance.now() - dropStartedAt;
    const live = clients;
    await waitUntil(
      async () => published.size >= options.eventCount,
      300_000,
      'the burst to be queued',
    );
    await agent.call('flushEvents');
    const lastPublished = Math.max(...published.keys());
    await waitUntil(
      async () => (await live.call<number>('lastSeq')) >= lastPublished,
      120_000,
      'the live clients',
    );
    await live.call('resume');
    let pausedComplete = true;
    try {
      await waitUntil(
        async () => (await live.call<number>('pausedLastSeq')) >= lastPublished,
        60_000,
        'the paused client',
      );
    } catch {
      // Reported as a failed check below, with what it did receive.
      pausedComplete = false;
    }
    const report = await live.call<FeedClientsReport>('report', { sentAt: [...published] });
    const firstPublished = Math.min(...published.values());
    return {
      messagesPerSecond: report.messages / ((report.lastReceivedAtMs - firstPublished) / 1000),
      p99DelayMs: report.p99DelayMs,
      p50DelayMs: report.p50DelayMs,
      largestBufferedBytes: await agent.call<number>('largestBufferedBytes'),
      pausedComplete:
        pausedComplete &&
        report.paused?.isInOrder === true &&
        report.paused.received >= options.eventCount,
      liveComplete: report.completeClients === clientCount,
      eventFrames: report.eventFrames,
      spanMs: report.lastReceivedAtMs - firstPublished,
      dropMs,
    };
  } finally {
    await clients?.close();
    await agent.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Figure 9: the feed fanning the 10,000-file burst's events out to 50 WebSocket clients (and one
 * client that stops reading), against bare ws sending one pre-serialized frame to 50 sockets.
 */
export const figureFanOut: Figure = {
  id: 9,
  name: 'WebSocket fan-out to 50 clients during the 10,000-file burst',
  target: '≥ 0.7 × messages/s; p99 event delay ≤ 50 ms; a paused client stays under its buffer cap',
  baselineDescription: 'bare ws sending one pre-serialized frame per event to 50 sockets',
  async run(context) {
    const isFull = context.profile === 'full';
    const eventCount = isFull ? 10_000 : 200;
    const stabilityWindowMs = isFull ? 2_000 : 200;
    const runs = await alternateRuns({
      warmups: context.warmups,
      runs: context.runs,
      log: context.log,
      baseline: () => runBaseline(context, eventCount),
      subject: (index) => runAgent(context, index, { eventCount, stabilityWindowMs }),
    });
    const rate = (list: FanOutRun[]) => summarize(list.map((run) => run.messagesPerSecond));
    const subjectRate = rate(runs.subject);
    const baselineRate = rate(runs.baseline);
    const p99 = summarize(runs.subject.map((run) => run.p99DelayMs));
    const median = (list: FanOutRun[], of: (run: FanOutRun) => number) =>
      summarize(list.map(of)).median;
    const p50 = (list: FanOutRun[]) => median(list, (run) => run.p50DelayMs);
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    const buffered = summarize(runs.subject.map((run) => run.largestBufferedBytes / 1024));
    const pausedOk = runs.subject.every((run) => run.pausedComplete);
    const liveOk = [...runs.subject, ...runs.baseline].every((run) => run.liveComplete);
    const eventsPerFrame = summarize(
      runs.subject.map((run) => (eventCount * clientCount) / run.eventFrames),
    );
    return {
      checks: [
        atLeast(
          {
            name: 'messages delivered per second',
            unit: 'messages/s',
            value: subjectRate,
            baseline: baselineRate,
            target: '≥ 0.7 × baseline',
          },
          0.7 * baselineRate.median,
        ),
        atMost(
          {
            name: 'p99 event delay (commit → client)',
            unit: 'ms',
            value: p99,
            baseline: summarize(runs.baseline.map((run) => run.p99DelayMs)),
            target: '≤ 50 ms',
          },
          50,
        ),
        {
          name: 'largest unsent buffer of any client',
          unit: 'KiB',
          value: buffered,
          baseline: null,
          limit: bufferCapBytes / 1024,
          target: `≤ the cap (${bufferCapBytes / 1024} KiB) plus one frame`,
          met: buffered.max <= bufferCapBytes / 1024 + 1 && pausedOk,
        },
      ],
      notes: [
        `${eventCount.toLocaleString('en-US')} files dropped at once into a watched folder (written beside it, then moved in: ${seconds(median(runs.subject, (run) => run.dropMs))} s to move them all, median of runs), ${clientCount} live clients and one that stops reading its socket for the whole burst, then resumes and must receive every event once, in order (${pausedOk ? 'it did in every run' : 'it did NOT in some run'}). The feed serves at most 32 clients by default (feed-server.ts, maxClients); the bench raises that limit to ${clientCount + 1} through startAgent's feedLimits, nothing else. SiteDrop's rate is bounded by how fast intake queues the burst (figure 2), not only by fan-out: its messages/s is every live client's events received ÷ (last frame received − first event committed). A message is one event delivered to one client (${liveOk ? 'every live client received every event once, in order, in every run, SiteDrop and baseline' : 'NOT every live client received every event once, in order, in every run'}). The baseline sends each event in its own frame; the feed sends the clients (the UI's protocol version 2) the events of one commit in one frame: ${eventsPerFrame.median.toFixed(1)} events per frame (median of runs), so its clients also parse fewer, larger frames. SiteDrop's span from the first commit to the last frame was ${seconds(median(runs.subject, (run) => run.spanMs))} s, the baseline's from the first send ${seconds(median(runs.baseline, (run) => run.spanMs))} s (medians of runs). Until issue 7's feed work the driver wrote the files into the folder itself, which took it 6-8 s on the clients' core: that span was then the driver's, not SiteDrop's. The 50 clients share one process on the counterpart core (a UI has its own): each reads frames straight off its socket (bench/lib/websocket-reader.ts, not ws's client) and stamps each whole frame with its first and last seq, and one reference client reads every seq, against which every other client's frames are checked; reading more made that process, not the feed, the bottleneck once intake queued the burst in ~0.4 s (JSON.parse per frame: p99 120-195 ms against 31 ms, 2026-11-21; ws's client and a scan of each frame for every seq: 73-335 ms on a slower host, 2026-12-07, where the agent had sent every frame to all clients within 2-50 ms of its commit). Delay: client receive time − the agent's post-COMMIT stamp, on the cross-process clock (its median: ${p50(runs.subject).toFixed(1)} ms for SiteDrop, ${p50(runs.baseline).toFixed(1)} ms for the baseline, medians of runs). The buffer is the largest ws bufferedAmount seen after any send, measured by wrapping ws's send inside the bench's agent process.`,
      ],
    };
  },
};
