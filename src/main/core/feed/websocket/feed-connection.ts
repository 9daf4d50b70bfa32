import type { RawData, WebSocket } from 'ws';
import {
  feedErrorCodes,
  feedMaxClientFrameBytes,
  feedProtocolVersion,
  feedProtocolVersions,
  feedSubprotocolOf,
  type FeedProtocolVersion,
  type HelloMessage,
} from '../../../../shared/feed-protocol.ts';
import type { Clock } from '../../lifecycle/index.ts';
import type { Logger } from '../../logging/index.ts';
import type { Store } from '../../store/index.ts';
import { encodeMessage, type EventBroadcast } from '../broadcast/index.ts';
import {
  errorMessage,
  type CommandOutcome,
  type ExecuteCommand,
  type FeedCommandRunner,
} from '../commands/index.ts';
import { FeedClient, type FeedClientLimits } from './feed-client.ts';

/** Where a reconnecting client left off: the query of its upgrade request. */
export interface Resume {
  lastSeq?: number;
  logId?: string;
}

/** What a new WebSocket connection needs. */
export interface FeedConnectionOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  broadcast: EventBroadcast;
  runner: FeedCommandRunner;
  execute: ExecuteCommand;
  /** The event log's id (hello names it; a client that resumes with another gets a snapshot). */
  logId: string;
  serverVersion: string;
  limits: FeedClientLimits & { maxReplayEvents: number };
}

/**
 * Starts a WebSocket connection that passed the upgrade's checks: sends hello, then either the
 * events the client missed (read from the log) or a snapshot, joins it to the broadcast, and
 * answers its command frames.
 */
export function openFeedConnection(
  socket: WebSocket,
  resume: Resume,
  options: FeedConnectionOptions,
): void {
  const { store, broadcast, runner, limits } = options;
  // Events committed earlier in this turn go out first, so that seq below is what was sent.
  broadcast.flush();
  const client = new FeedClient(
    socket,
    protocolVersionOf(socket.protocol),
    store,
    options.clock,
    limits,
  );
  broadcast.add(client);
  socket.on('error', (error) => options.logger.debug({ err: error }, 'A feed connection failed'));
  socket.on('message', (data, isBinary) => onFrame(client, data, isBinary, options));
  const seq = store.lastEventSeq();
  const canReplay =
    resume.lastSeq !== undefined &&
    (resume.logId === undefined || resume.logId === options.logId) &&
    resume.lastSeq <= seq &&
    seq - resume.lastSeq <= limits.maxReplayEvents;
  const hello: HelloMessage = {
    type: 'hello',
    v: client.version,
    server: { name: 'sitedrop', version: options.serverVersion, pid: process.pid },
    logId: options.logId,
    seq,
    sync:
      canReplay && resume.lastSeq !== undefined
        ? { mode: 'events', fromSeq: resume.lastSeq, toSeq: seq }
        : { mode: 'snapshot' },
    availableCommands: runner.availableCommands(),
    limits: {
      maxClientFrameBytes: feedMaxClientFrameBytes,
      maxReplayEvents: limits.maxReplayEvents,
    },
  };
  client.sendMessage(encodeMessage(hello));
  if (hello.sync.mode === 'events') {
    client.startWithReplay(hello.sync.fromSeq);
  } else {
    const snapshot = runner.takeSnapshot();
    client.sendMessage(encodeMessage({ type: 'snapshot', v: client.version, snapshot }));
    client.startAfterSnapshot(snapshot.seq);
  }
}

/** Answers one frame of a client: a command's reply, or why the frame could not be read. */
function onFrame(
  client: FeedClient,
  data: RawData,
  isBinary: boolean,
  options: FeedConnectionOptions,
): void {
  const reply = (outcome: CommandOutcome) => {
    options.broadcast.send(client, outcome.ok ? outcome.message : outcome.error);
  };
  const refuse = (message: string) =>
    reply({ ok: false, error: errorMessage(feedErrorCodes.malformed, message, client.version) });
  if (isBinary) {
    refuse('Send each message as a text frame holding one JSON object.');
    return;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(rawDataToText(data));
  } catch {
    refuse('The message is not valid JSON.');
    return;
  }
  void options.execute(raw, client.version).then(reply);
}

/** The protocol version of the subprotocol the server selected. */
function protocolVersionOf(subprotocol: string): FeedProtocolVersion {
  return (
    feedProtocolVersions.find((version) => feedSubprotocolOf(version) === subprotocol) ??
    feedProtocolVersion
  );
}

function rawDataToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
