import { CollectedProcess } from './cli.ts';

const lockModuleUrl = new URL('../../src/main/core/data-dir-lock/index.ts', import.meta.url).href;

/**
 * What the child runs: take the lock, say so, and hold it until killed. It drops the returned
 * DataDirLock and collects garbage before saying so: the lock must last until close() or the
 * end of the process, not until the caller's last reference to it goes.
 */
const holderScript = `
import { setTimeout as delay } from 'node:timers/promises';
import { acquireDataDirLock } from ${JSON.stringify(lockModuleUrl)};
try {
  acquireDataDirLock(process.argv[1]);
  globalThis.gc();
  await delay(20);
  globalThis.gc();
  process.stdout.write('held\\n');
  setInterval(() => undefined, 60_000);
} catch (error) {
  process.stderr.write(error.message + '\\n');
  process.exitCode = 1;
}
`;

/**
 * Starts a separate process that calls acquireDataDirLock on a data directory: it prints `held`
 * and holds the lock until killed, or exits 1 with the refusal on stderr.
 */
export function startLockHolder(dataDir: string): CollectedProcess {
  return new CollectedProcess(process.execPath, [
    '--expose-gc',
    '--input-type=module',
    '-e',
    holderScript,
    dataDir,
  ]);
}
