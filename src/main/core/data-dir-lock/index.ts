/**
 * The data-directory lock: one agent per data directory.
 *
 * Owns: the lock file DATA_DIR/agent.lock and the error that names the PID holding it.
 * Does not own: anything else in the data directory.
 */
export { acquireDataDirLock, DataDirLockedError, type DataDirLock } from './data-dir-lock.ts';
