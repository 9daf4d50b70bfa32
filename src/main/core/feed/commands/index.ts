/**
 * The feed's commands: one implementation for the WebSocket and the HTTP API alike.
 *
 * Owns: the command table's handlers (retry, cancel, pause, settings, listing, snapshots), what
 * the feed heard on the bus for state no capability reports, the settings commands on the config
 * layers, and the boundary that parses a command message and turns its outcome into a reply.
 * Does not own: the protocol's schemas (src/shared/feed-protocol.ts), what delivery, intake or
 * config do inside a command (the agent supplies them as FeedCommands), or any transport.
 */
export {
  createCommandExecutor,
  errorMessage,
  type CommandExecutorOptions,
  type CommandOutcome,
  type ExecuteCommand,
} from './execute-command.ts';
export {
  FeedCommandRunner,
  type FeedCommandRunnerOptions,
  type FeedCommands,
} from './feed-commands.ts';
export type { FeedPickerCommands, FeedSitePicker } from './picker-commands.ts';
export {
  createSettingsCommands,
  restartRequiredFields,
  type SettingsCommandsOptions,
} from './settings-commands.ts';
