/**
 * The feed's WebSocket: the upgrade at /feed, each connection's start, and each client's pacing.
 *
 * Owns: the upgrade's checks and refusals (through http/'s request guard), the subprotocol and
 * protocol version, resuming from lastSeq and logId, hello and the snapshot, reading command
 * frames, and per-client backpressure: live or catching up from the log, progress coalescing,
 * closing a client that stalls. Does not own: what goes to every client (broadcast/), what a
 * command does (commands/), or the HTTP API (http/).
 */
export { FeedClient, type FeedClientLimits } from './feed-client.ts';
export { type FeedConnectionOptions, type Resume } from './feed-connection.ts';
export {
  createUpgradeHandler,
  type UpgradeHandler,
  type UpgradeHandlerOptions,
} from './upgrade-handler.ts';
