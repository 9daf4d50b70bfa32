/**
 * A bench child: many WebSocket clients (figure 9), on the counterpart core. Each records when
 * (crossProcessNowMs) it received every event: one per `event` frame (the baseline, and feed
 * protocol version 1), several per `events` frame (version 2, the events of one commit); one
 * more client may pause reading (its TCP socket stops being read, so the server's buffer for it
 * fills) and resume later.
 */
import type net from 'node:net';
import { crossProcessNowMs } from '../lib/cross-process-clock.ts';
import { percentile } from '../lib/statistics.ts';
import { readChildArguments, serveParent } from '../lib/serve-parent.ts';
import { connectWebSocketReader } from '../lib/websocket-reader.ts';

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

/** An event frame as a client saw it: when it arrived, its first and last seq, its length. */
interface FrameSeen {
  arrivedAtMs: number;
  firstSeq: number;
  lastSeq: number;
  byteLength: number;
}

interface Client {
  socket: net.Socket | undefined;
  frames: FrameSeen[];
  /** The seqs of every event frame, read whole (the reference client and the paused one). */
  seqs: number[] | undefined;
  closeCode: number | null;
}

const eventFramePrefix = Buffer.from('{"type":"event');
const seqKey = Buffer.from('"seq":');

/** The number written in `data` at `index` (an event's seq). */
function numberAt(data: Buffer, index: number): number {
  let value = 0;
  for (let at = index, byte = data[at]; byte !== undefined && byte >= 0x30 && byte <= 0x39;) {
    value = value * 10 + byte - 0x30;
    at += 1;
    byte = data[at];
  }
  return value;
}

/**
 * The seqs of an event frame's events, in order, read straight from its bytes. An event's seq is
 * its only `"seq":` key at the top of the event; event data holds none (a `"seq":` inside a JSON
 * string is escaped: `\"seq\":`).
 */
function seqsOf(data: Buffer): number[] {
  const seqs: number[] = [];
  for (let at = data.indexOf(seqKey); at !== -1; at = data.indexOf(seqKey, at + seqKey.length)) {
    seqs.push(numberAt(data, at + seqKey.length));
  }
  return seqs;
}

/**
 * Fifty clients share this one process and its core, where each UI has one of its own. Reading
 * every seq of every frame as it came (JSON.parse at first, then a scan of its bytes) made this
 * process's backlog, not the feed, the delay measured: p99 120-195 ms with JSON.parse
 * (2026-11-21), 82-335 ms with the scan on a slower host (2026-12-07), where the agent had sent
 * each frame to all fifty 2-12 ms after its commit. So one client, the reference, reads every
 * seq; every client reads only its frames' first and last seq and length (two short searches,
 * from either end); and the report holds each client to the reference's frames. The feed puts
 * consecutive seqs in a frame (event-frames.ts), which the reference checks for every frame.
 * The frames are read off the sockets by websocket-reader.ts rather than `ws`'s client (why: there).
 */
async function connect(isReference: boolean): Promise<Client> {
  const client: Client = {
    socket: undefined,
    frames: [],
    seqs: isReference ? [] : undefined,
    closeCode: null,
  };
  client.socket = await connectWebSocketReader(options.url, options.protocols, {
    onMessage: (data) => {
      const arrivedAtMs = crossProcessNowMs();
      if (!data.subarray(0, eventFramePrefix.length).equals(eventFramePrefix)) return;
      const first = data.indexOf(seqKey);
      if (first === -1) return;
      client.frames.push({
        arrivedAtMs,
        firstSeq: numberAt(data, first + seqKey.length),
        lastSeq: numberAt(data, data.lastIndexOf(seqKey) + seqKey.length),
        byteLength: data.length,
      });
      client.seqs?.push(...seqsOf(data));
    },
    onClose: (code) => {
      client.closeCode = code;
    },
  });
  return client;
}

const clients: Client[] = [];
for (let index = 0; index < options.clientCount; index += 1)
  clients.push(await connect(index === 0));
const pausedClient = options.hasPausedClient ? await connect(true) : undefined;
const lastSeqOf = (client: Client) => client.frames.at(-1)?.lastSeq ?? 0;

/** Whether a client's seqs are its frames' ranges first to last, each once, ascending. */
function isReadWhole(client: Client): boolean {
  const { seqs } = client;
  if (!seqs) return false;
  let index = 0;
  let previous = -1;
  for (const frame of client.frames) {
    if (frame.firstSeq <= previous) return false;
    for (let seq = frame.firstSeq; seq <= frame.lastSeq; seq += 1, index += 1) {
      if (seqs[index] !== seq) return false;
    }
    previous = frame.lastSeq;
  }
  return index === seqs.length;
}

/** Whether a client received exactly the reference's frames (seqs and lengths), in order. */
function isLikeReference(client: Client, reference: Client): boolean {
  return (
    client.frames.length === reference.frames.length &&
    client.frames.every((frame, index) => {
      const other = reference.frames[index];
      return (
        other !== undefined &&
        frame.firstSeq === other.firstSeq &&
        frame.lastSeq === other.lastSeq &&
        frame.byteLength === other.byteLength
      );
    })
  );
}

serveParent({
  pause: () => pausedClient?.socket?.pause(),
  resume: () => pausedClient?.socket?.resume(),
  /** The highest seq every live client has received. */
  lastSeq: () => Math.min(...clients.map(lastSeqOf)),
  pausedLastSeq: () => (pausedClient ? lastSeqOf(pausedClient) : 0),
  report: (args) => {
    const sentAt = new Map((args as { sentAt: [number, number][] }).sentAt);
    const reference = clients[0] as Client;
    const isReferenceWhole = isReadWhole(reference) && reference.seqs?.length === sentAt.size;
    const delays: number[] = [];
    let messages = 0;
    let eventFrames = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    let completeClients = 0;
    for (const client of clients) {
      eventFrames += client.frames.length;
      for (const frame of client.frames) {
        first = Math.min(first, frame.arrivedAtMs);
        last = Math.max(last, frame.arrivedAtMs);
        for (let seq = frame.firstSeq; seq <= frame.lastSeq; seq += 1) {
          messages += 1;
          const sent = sentAt.get(seq);
          if (sent !== undefined) delays.push(frame.arrivedAtMs - sent);
        }
      }
      if (isReferenceWhole && isLikeReference(client, reference)) completeClients += 1;
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
            received: pausedClient.seqs?.length ?? 0,
            isInOrder: isReadWhole(pausedClient),
            closeCode: pausedClient.closeCode,
          }
        : null,
    };
    return report;
  },
  close: () => {
    for (const client of [...clients, ...(pausedClient ? [pausedClient] : [])])
      client.socket?.destroy();
  },
});
