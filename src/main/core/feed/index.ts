/**
 * The feed: the agent's local status port (docs/feed.md).
 *
 * Owns: HTTP and WebSocket on one 127.0.0.1 port; the per-data-directory token and the Host and
 * Origin checks; the protocol's boundary (every client frame is parsed with
 * src/shared/feed-protocol.ts); snapshots, resume from the event log, pacing of slow clients;
 * the command implementations shared by the WebSocket and the HTTP API; serving the built UI.
 * Does not own: what the commands do inside delivery, intake or config (the agent supplies
 * them as FeedCommands), the protocol's types (src/shared), or the UI (src/renderer).
 *
 * Its parts, composed by startFeed (feed-server.ts): commands/ (the command table's handlers
 * and the parse-run-reply boundary), broadcast/ (events and progress to every client), websocket/
 * (upgrade, connection start, per-client pacing), http/ (request checks, API routes, the UI's
 * files, listening on 127.0.0.1).
 */
export { startFeed, type Feed, type FeedLimits, type FeedOptions } from './feed-server.ts';
export { FeedPortInUseError } from './http/index.ts';
export { FeedCommandError } from '../../../shared/feed-protocol.ts';
export {
  createSettingsCommands,
  restartRequiredFields,
  type FeedCommands,
  type SettingsCommandsOptions,
} from './commands/index.ts';
export { feedTokenFileName, readFeedToken, readOrCreateFeedToken } from './feed-token.ts';
export { feedPortFromEnvironment } from './feed-port.ts';
export { readFeedPortFile } from './feed-port-file.ts';
export { toResponseView } from './commands/response-commands.ts';
export { toStatusItem } from './item-view.ts';
