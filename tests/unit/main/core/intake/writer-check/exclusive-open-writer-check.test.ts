import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWriterCheck } from '../../../../../../src/main/core/intake/writer-check/create-writer-check.ts';
import {
  ExclusiveOpenWriterCheck,
  isHeldByOpenFailure,
} from '../../../../../../src/main/core/intake/writer-check/exclusive-open-writer-check.ts';
import { TestClock } from '../../../../../helpers/test-clock.ts';

/** Node's value of fs.constants.UV_FS_O_EXLOCK on Windows (libuv's uv/win.h). */
const windowsExclusiveLockFlag = 0x10000000;

function failWith(code: string): () => never {
  return () => {
    throw Object.assign(new Error(`${code}: open failed`), { code });
  };
}

// Windows refuses an open with no sharing while another handle is open; off Windows the open
// itself cannot be reproduced, so these check what the answer is made of.
describe('ExclusiveOpenWriterCheck (Windows)', () => {
  it.each([
    ['EBUSY', true], // ERROR_SHARING_VIOLATION: another handle is open
    ['EPERM', true], // ERROR_ACCESS_DENIED, also a file being deleted
    ['EACCES', true],
    ['ENOENT', false], // gone: reading it finds out
    ['EISDIR', false],
    [undefined, false],
  ])('an exclusive open failing with %s means held: %s', (code, expected) => {
    expect(isHeldByOpenFailure(code)).toBe(expected);
  });

  it('opens the file for reading with no sharing, and closes it at once', () => {
    const opened: [string, number][] = [];
    const closed: number[] = [];
    const check = new ExclusiveOpenWriterCheck({
      exclusiveLockFlag: windowsExclusiveLockFlag,
      openFile: (file, flags) => {
        opened.push([file, flags]);
        return 42;
      },
      closeFile: (fd) => closed.push(fd),
    });

    expect(check.findWriter('C:\\Drop\\scan.pdf')).toBeUndefined();
    expect(opened).toEqual([['C:\\Drop\\scan.pdf', fs.constants.O_RDONLY | 0x10000000]]);
    expect(closed).toEqual([42]);
  });

  it('reports a file that another program holds as held, without naming the program', () => {
    const check = new ExclusiveOpenWriterCheck({
      exclusiveLockFlag: windowsExclusiveLockFlag,
      openFile: failWith('EBUSY'),
    });
    expect(check.findWriter('C:\\Drop\\scan.pdf')).toEqual({ pid: undefined, command: undefined });
  });

  it('sees no writer when the file is gone', () => {
    const check = new ExclusiveOpenWriterCheck({
      exclusiveLockFlag: windowsExclusiveLockFlag,
      openFile: failWith('ENOENT'),
    });
    expect(check.findWriter('C:\\Drop\\scan.pdf')).toBeUndefined();
  });
});

describe('createWriterCheck', () => {
  it('reads /proc on Linux', () => {
    if (process.platform !== 'linux') return;
    expect(createWriterCheck(new TestClock(), 'linux').mechanism).toBe('proc-fd');
  });

  it('opens exclusively on Windows', () => {
    const check = createWriterCheck(new TestClock(), 'win32', windowsExclusiveLockFlag);
    expect(check.mechanism).toBe('exclusive-open');
  });

  it('has no evidence on macOS, nor where Node lacks the exclusive open flag', () => {
    expect(createWriterCheck(new TestClock(), 'darwin').mechanism).toBe('none');
    expect(createWriterCheck(new TestClock(), 'win32', undefined).mechanism).toBe('none');
  });
});
