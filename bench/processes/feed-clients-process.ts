/**
 * A bench child: many WebSocket clients (figure 9), on the counterpart core. Each records when
 * (crossProcessNowMs) it received every event: one per `event` frame (the baseline, and feed
 * protocol version 1), several per `events` frame (version 2, the events of one commit); one
 * more client may pause reading (its TCP socket stops being read, so the server's buffer for it
 * fills) and resume later.
 */
import type net from 'node:net';
import { WebSocket } from 'ws';
import { crossProcessNowMs } from '../lib/cross-process-clock.ts';
import { percentile } from '../lib/statistics.ts';
import { readChildArguments, serveParent } from '../lib/serve-parent.ts';

/** What the driver passes to the clients process. */
export interface FeedClientsArguments {
  url: string;
  protocols: string[];
  clientCount: number;
  /** Also connect one client that pauses reading when told. */
  hasPausedClient: boolean;
}

/** What the clients measured, given when each seq was sent. */
export interface FeedClientsReport {
  /** Events received by the live clients, each counted once per client. */
  messages: number;
  /** Frames that carried those events. */
  eventFrames: number;
  firstReceivedAtMs: number;
  lastReceivedAtMs: number;
  p99DelayMs: number;
  p50DelayMs: number;
  /** Clients that saw every seq once, in order. */
  completeClients: number;
  paused: { received: number; isInOrder: boolean; closeCode: number | null } | null;
}

const options = readChildArguments<FeedClientsArguments>();

interface Client {
  socket: WebSocket;
  eventFrames: number;
  seqs: number[];
  times: number[];
  closeCode: number | null;
}

/**
 * The seqs of an event frame's events, in order, read straight from its bytes. Fifty clients
 * share this one process (and one core), where each UI has its own: parsing every frame whole
 * (JSON.parse) took this process longer than SiteDrop takes to queue the burst, and the delay
 * then measured this process's backlog; so did a text copy and a RegExp over every frame once
 * intake queued 10,000 files in ~0.3 s (p99 50-170 ms, 2026-11-21). An event's seq is its only
 * `"seq":` key at the top of the event; event data holds none (a `"seq":` inside a JSON string
 * is escaped: `\"seq\":`).
 */
function seqsOf(data: Buffer): number[] {
  if (!data.subarray(0, eventFramePrefix.length).equals(eventFramePrefix)) return [];
  const seqs: number[] = [];
  let at = data.indexOf(seqKey);
  while (at !== -1) {
    let seq = 0;
    let index = at + seqKey.length;
    for (let byte = data[index]; byte !== undefined && byte >= 0x30 && byte <= 0x39;) {
      seq = seq * 10 + byte - 0x30;
      index += 1;
      byte = data[index];
    }
    seqs.push(seq);
    at = data.indexOf(seqKey, index);
  }
  return seqs;
}

const eventFramePrefix = Buffer.from('{"type":"event');
const seqKey = Buffer.from('"seq":');

async function connect(): Promise<Client> {
  // No UTF-8 check of every text frame (ws checks each by default): this process stands in for
  // fifty UIs, each with a core of its own, and the check is per byte, like the seqs' scan.
  const socket = new WebSocket(options.url, options.protocols, { skipUTF8Validation: true });
  const client: Client = { socket, eventFrames: 0, seqs: [], times: [], closeCode: null };
  socket.on('message', (data: Buffer) => {
    const receivedAt = crossProcessNowMs();
    const seqs = seqsOf(data);
    if (seqs.length > 0) client.eventFrames += 1;
    for (const seq of seqs) {
      client.seqs.push(seq);
      client.times.push(receivedAt);
    }
  });
  socket.on('close', (code) => {
    client.closeCode = code;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return client;
}

const clients: Client[] = [];
for (let index = 0; index < options.clientCount; index += 1) clients.push(await connect());
const pausedClient = options.hasPausedClient ? await connect() : undefined;
const rawSocket = (client: Client) => (client.socket as unknown as { _socket: net.Socket })._socket;

serveParent({
  pause: () => rawSocket(pausedClient as Client).pause(),
  resume: () => rawSocket(pausedClient as Client).resume(),
  received: () => Math.min(...clients.map((client) => client.seqs.length)),
  pausedReceived: () => pausedClient?.seqs.length ?? 0,
  report: (args) => {
    const sentAt = new Map((args as { sentAt: [number, number][] }).sentAt);
    const delays: number[] = [];
    let messages = 0;
    let eventFrames = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    let completeClients = 0;
    for (const client of clients) {
      messages += client.seqs.length;
      eventFrames += client.eventFrames;
      let isComplete = client.seqs.length === sentAt.size;
      client.seqs.forEach((seq, index) => {
        const receivedAt = client.times[index] ?? Number.NaN;
        first = Math.min(first, receivedAt);
        last = Math.max(last, receivedAt);
        const sent = sentAt.get(seq);
        if (sent !== undefined) delays.push(receivedAt - sent);
        if (index > 0 && seq <= (client.seqs[index - 1] ?? 0)) isComplete = false;
      });
      if (isComplete) completeClients += 1;
    }
    const report: FeedClientsReport = {
      messages,
      eventFrames,
      firstReceivedAtMs: first,
      lastReceivedAtMs: last,
      p99DelayMs: percentile(delays, 99),
      p50DelayMs: percentile(delays, 50),
      completeClients,
      paused: pausedClient
        ? {
            received: pausedClient.seqs.length,
            isInOrder: pausedClient.seqs.every(
              (seq, index) => index === 0 || seq > (pausedClient.seqs[index - 1] ?? 0),
            ),
            closeCode: pausedClient.closeCode,
          }
        : null,
    };
    return report;
  },
  close: () => {
    for (const client of [...clients, ...(pausedClient ? [pausedClient] : [])])
      client.socket.terminate();
  },
});
