import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  acquireDataDirLock,
  DataDirLockedError,
  inspectDataDirLock,
} from '../../../../../src/main/core/data-dir-lock/index.ts';
import { startLockHolder } from '../../../../helpers/lock-holder-process.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';

function refusalOf(action: () => unknown): DataDirLockedError {
  try {
    action();
  } catch (error) {
    if (error instanceof DataDirLockedError) return error;
    throw error;
  }
  throw new Error('expected DataDirLockedError, but the lock was granted');
}

describe('the data-directory lock', () => {
  it('refuses a second lock in the same process and keeps the first held', async () => {
    const dataDir = makeTempDir();
    const lock = acquireDataDirLock(dataDir);
    try {
      const refusal = refusalOf(() => acquireDataDirLock(dataDir));
      expect(refusal.pid).toBe(process.pid);
      expect(refusal.message).toContain(`Another SiteDrop agent (PID ${process.pid}, started `);

      const contender = startLockHolder(dataDir);
      expect(await contender.exited).toBe(1);
      expect(contender.stderr).toContain(`(PID ${process.pid}, started `);
      expect(contender.stderr).toContain(`is already using ${dataDir}.`);
    } finally {
      lock.close();
    }
  });

  it('releases the lock on close, and a second close changes nothing', async () => {
    const dataDir = makeTempDir();
    const lock = acquireDataDirLock(dataDir);
    lock.close();
    lock.close();
    expect(fs.existsSync(path.join(dataDir, 'agent.lock'))).toBe(false);
    expect(inspectDataDirLock(dataDir)).toEqual({ isHeld: false, holder: undefined });

    const next = startLockHolder(dataDir);
    await next.waitForOutput('held');
  });

  it('names the holder in agent.lock, and reports it held while its process runs', async () => {
    const dataDir = makeTempDir();
    const holder = startLockHolder(dataDir);
    await holder.waitForOutput('held');
    const record = JSON.parse(fs.readFileSync(path.join(dataDir, 'agent.lock'), 'utf8')) as {
      pid: number;
      hostname: string;
      startedAt: number;
    };
    expect(record).toMatchObject({ pid: holder.child.pid, hostname: os.hostname() });
    expect(inspectDataDirLock(dataDir)).toMatchObject({
      isHeld: true,
      holder: { pid: holder.child.pid },
    });
    expect(refusalOf(() => acquireDataDirLock(dataDir)).pid).toBe(holder.child.pid);
  });

  it('frees the lock the moment its holder is killed', async () => {
    const dataDir = makeTempDir();
    const holder = startLockHolder(dataDir);
    await holder.waitForOutput('held');
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(inspectDataDirLock(dataDir).isHeld).toBe(false);
    const lock = acquireDataDirLock(dataDir);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'agent.lock'), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    lock.close();
  });

  it.each([
    ['a bare PID (the earliest format)', `${process.pid}\n`],
    ['a record of the previous PID-file lock', 'pid-file'],
    ['half a record (its writer died mid-write)', '{"pid":1,"hostn'],
  ])('takes over agent.lock holding %s that names a live, unrelated process', (_, content) => {
    const dataDir = makeTempDir();
    const previous =
      content === 'pid-file'
        ? JSON.stringify({ pid: 1, hostname: os.hostname(), acquiredAt: Date.now() - 86_400_000 })
        : content;
    fs.writeFileSync(path.join(dataDir, 'agent.lock'), previous);
    const lock = acquireDataDirLock(dataDir);
    expect(lock.holder.pid).toBe(process.pid);
    lock.close();
  });

  it('says when the holder started, with the date when that is not today', () => {
    const startedAt = new Date(2026, 11, 6, 20, 41).getTime();
    const holder = { pid: 1234, hostname: 'site-office-2', startedAt };
    const sameDay = new DataDirLockedError('/data', holder, startedAt + 60_000);
    expect(sameDay.message).toBe(
      'Another SiteDrop agent (PID 1234 on site-office-2, started 20:41) is already using ' +
        '/data. Stop it first, or use --data-dir for a second agent.',
    );
    const nextDay = new DataDirLockedError('/data', holder, startedAt + 86_400_000);
    expect(nextDay.message).toContain('started 2026-12-06 20:41)');
    expect(new DataDirLockedError('/data', undefined).message).toBe(
      'Another SiteDrop agent is already using /data. ' +
        'Stop it first, or use --data-dir for a second agent.',
    );
  });
});
