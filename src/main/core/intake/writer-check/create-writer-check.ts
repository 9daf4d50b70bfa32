import fs from 'node:fs';
import type { Clock } from '../../lifecycle/index.ts';
import { ExclusiveOpenWriterCheck } from './exclusive-open-writer-check.ts';
import { ProcFdWriterCheck } from './proc-fd-writer-check.ts';
import { noWriterCheck, type WriterCheck } from './writer-check.ts';

/**
 * The writer check for this operating system.
 *
 * - Linux: `/proc/<pid>/fd` and `fdinfo` (proc(5)), see ProcFdWriterCheck.
 * - Windows: an open with no sharing (libuv's `UV_FS_O_EXLOCK`), see ExclusiveOpenWriterCheck.
 * - macOS and others: none. macOS lists a process's files only through libproc
 *   (`proc_pidinfo`), which Node does not expose, and `lsof` costs a process and hundreds of
 *   milliseconds per look; its `O_EXLOCK` is an advisory flock(2) lock that writers rarely take
 *   and that blocks the opener instead of failing.
 *
 * `platform` and `exclusiveLockFlag` are this process's; tests pass others.
 */
export function createWriterCheck(
  clock: Clock,
  platform: NodeJS.Platform = process.platform,
  exclusiveLockFlag = (fs.constants as { UV_FS_O_EXLOCK?: number }).UV_FS_O_EXLOCK,
): WriterCheck {
  if (platform === 'linux' && fs.existsSync('/proc/self/fdinfo')) {
    return new ProcFdWriterCheck({ clock });
  }
  if (platform === 'win32' && exclusiveLockFlag !== undefined) {
    return new ExclusiveOpenWriterCheck({ exclusiveLockFlag });
  }
  return noWriterCheck;
}
