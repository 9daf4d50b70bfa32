/**
 * The data-directory lock: one agent per data directory.
 *
 * Owns: the lock database DATA_DIR/agent.lock.db, whose exclusive lock the operating system
 * releases when its process ends; the record DATA_DIR/agent.lock that names the holder; and the
 * error that names it.
 * Does not own: anything else in the data directory.
 */
export {
  acquireDataDirLock,
  inspectDataDirLock,
  lockFileName,
  type DataDirLock,
  type DataDirLockState,
} from './data-dir-lock.ts';
export { DataDirLockedError } from './data-dir-locked-error.ts';
export { holderFileName, type DataDirLockHolder } from './lock-holder.ts';
