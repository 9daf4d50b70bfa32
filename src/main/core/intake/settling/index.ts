/**
 * Settling: when a seen file is finished. Its size and mtime held still for the folder's
 * stability window and no other program writes to it (writer-check/); small files are read ahead
 * halfway; files whose wait ended are taken a turn at a time. Every pending file's state lives
 * in one map (FileStates), which recording/ moves on when it takes a file.
 */
export { DueTurns, duePerTurn } from './due-turns.ts';
export {
  FileStates,
  type FileState,
  type MissingFile,
  type PreparedFile,
  type SettlingFile,
  type TakingFile,
} from './file-states.ts';
export { Settling, type SettlingOptions } from './settling.ts';
export { retryDelayMs, smallFileBytes } from './timing.ts';
