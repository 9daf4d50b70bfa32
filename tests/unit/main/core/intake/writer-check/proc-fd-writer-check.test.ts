import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ProcFdWriterCheck,
  isWriteMode,
} from '../../../../../../src/main/core/intake/writer-check/proc-fd-writer-check.ts';
import { holdFileOpen } from '../../../../../helpers/held-file.ts';
import { makeTempDir } from '../../../../../helpers/temp-dir.ts';
import { TestClock } from '../../../../../helpers/test-clock.ts';

/** A check that lists open files anew on every look. */
function freshCheck(): ProcFdWriterCheck {
  return new ProcFdWriterCheck({ clock: new TestClock(), snapshotMaxAgeMs: -1 });
}

function writeFile(name: string, content = 'first pages'): string {
  const file = path.join(makeTempDir(), name);
  fs.writeFileSync(file, content);
  return file;
}

describe.runIf(process.platform === 'linux')('ProcFdWriterCheck (Linux, real /proc)', () => {
  it('names the program that holds a file open for writing', async () => {
    const file = writeFile('scan.pdf');
    const writer = await holdFileOpen(file, 'a');

    expect(freshCheck().findWriter(file, fs.statSync(file), 0)).toEqual({
      pid: writer.pid,
      command: 'node',
    });
  });

  it('sees no writer once the program closed the file', async () => {
    const file = writeFile('scan.pdf');
    const writer = await holdFileOpen(file, 'a');
    const check = new ProcFdWriterCheck({ clock: new TestClock() });
    expect(check.findWriter(file, fs.statSync(file), 0)).toBeDefined();

    await writer.close();
    // The same listing still has the closed fd's link: it is looked at again, and holds nothing.
    expect(check.findWriter(file, fs.statSync(file), 0)).toBeUndefined();
  });

  it('does not count a program that has the file open only to read it', async () => {
    const file = writeFile('scan.pdf');
    await holdFileOpen(file, 'r');

    expect(freshCheck().findWriter(file, fs.statSync(file), 0)).toBeUndefined();
  });

  it('counts a program that has the file open to read and write', async () => {
    const file = writeFile('book.xlsx');
    const writer = await holdFileOpen(file, 'r+');

    expect(freshCheck().findWriter(file, fs.statSync(file), 0)?.pid).toBe(writer.pid);
  });

  it('finds the writer of a file renamed after it was opened', async () => {
    const file = writeFile('download.pdf');
    const writer = await holdFileOpen(file, 'a');
    const renamed = path.join(path.dirname(file), 'report.pdf');
    fs.renameSync(file, renamed);

    expect(freshCheck().findWriter(renamed, fs.statSync(renamed), 0)?.pid).toBe(writer.pid);
  });

  it('does not take a writer of another file with the same name for one of this file', async () => {
    const held = writeFile('scan.pdf');
    await holdFileOpen(held, 'a');
    const other = writeFile('scan.pdf');

    expect(freshCheck().findWriter(other, fs.statSync(other), 0)).toBeUndefined();
  });

  it('counts this process too when it writes to the file', () => {
    const file = writeFile('scan.pdf');
    const fd = fs.openSync(file, 'a');
    try {
      expect(freshCheck().findWriter(file, fs.statSync(file), 0)?.pid).toBe(process.pid);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('answers from one listing for files unchanged since before it, for up to its age', async () => {
    const clock = new TestClock();
    const check = new ProcFdWriterCheck({ clock, snapshotMaxAgeMs: 1_000 });
    const first = writeFile('scan.pdf');
    const second = writeFile('order.pdf');
    expect(check.findWriter(first, fs.statSync(first), 0)).toBeUndefined();
    const firstWriter = await holdFileOpen(first, 'a');

    // Opened after the listing and not written to: a file unchanged since before the listing
    // is answered from it (the miss the docs describe).
    clock.advance(10);
    expect(check.findWriter(first, fs.statSync(first), 0)).toBeUndefined();
    // Changed after the listing (its writer wrote at 5): a new listing sees the writer.
    expect(check.findWriter(first, fs.statSync(first), 5)?.pid).toBe(firstWriter.pid);
    const secondWriter = await holdFileOpen(second, 'a');

    // That listing (taken at 10) answers until it is 1,000 ms old, then a new one is taken.
    clock.advance(1_000);
    expect(check.findWriter(second, fs.statSync(second), 0)).toBeUndefined();
    clock.advance(1);
    expect(check.findWriter(second, fs.statSync(second), 0)?.pid).toBe(secondWriter.pid);
  });
});

describe.runIf(process.platform === 'linux')(
  'ProcFdWriterCheck.prepare (Linux, real /proc)',
  () => {
    it('lists open files in the background halfway through a window, so its end only looks up', async () => {
      const clock = new TestClock();
      const check = new ProcFdWriterCheck({ clock, snapshotMaxAgeMs: 1_000 });
      const held = writeFile('scan.pdf');
      const other = writeFile('order.pdf');
      const heldWriter = await holdFileOpen(held, 'a');

      // Both files last changed at 0; halfway through their windows, at 500, intake prepares.
      clock.advance(500);
      check.prepare(0);
      check.prepare(0);
      await check.whenIdle();
      // A program that opens a file after the background listing is not in it: the window's end
      // answers from that listing (taken at 500), without listing again.
      await holdFileOpen(other, 'a');
      clock.advance(500);
      expect(check.findWriter(held, fs.statSync(held), 0)?.pid).toBe(heldWriter.pid);
      expect(check.findWriter(other, fs.statSync(other), 0)).toBeUndefined();
    });

    it('gathers the files that come due during a listing into one more, after it', async () => {
      const clock = new TestClock();
      const check = new ProcFdWriterCheck({ clock, snapshotMaxAgeMs: 1_000, gatherDelayMs: 100 });
      const file = writeFile('scan.pdf');
      const late = writeFile('order.pdf');
      check.prepare(0);
      // A file that changed at 50, while the listing started at 0 runs, needs a later listing.
      clock.advance(50);
      check.prepare(50);
      const writer = await holdFileOpen(file, 'a');
      let isIdle = false;
      void check.whenIdle().then(() => (isIdle = true));
      while (!isIdle) {
        clock.advance(100);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // The later listing started after the writer opened the file, and answers both look-ups:
      // a program that opens a file after it is not seen, so nothing was listed on the spot.
      await holdFileOpen(late, 'a');
      expect(check.findWriter(file, fs.statSync(file), 50)?.pid).toBe(writer.pid);
      expect(check.findWriter(late, fs.statSync(late), 50)).toBeUndefined();
    });

    it('starts nothing once closed', async () => {
      const check = new ProcFdWriterCheck({ clock: new TestClock() });
      check.close();
      check.prepare(0);
      await check.whenIdle();
      const file = writeFile('scan.pdf');
      const writer = await holdFileOpen(file, 'a');
      // No background listing was kept: the look-up lists on the spot and sees the writer.
      expect(check.findWriter(file, fs.statSync(file), 0)?.pid).toBe(writer.pid);
    });
  },
);

describe('isWriteMode', () => {
  it.each([
    [0o0, false], // O_RDONLY
    [0o100000, false], // O_RDONLY | O_LARGEFILE, as /proc shows a read-only fd on x86-64
    [0o2000000, false], // O_RDONLY | O_CLOEXEC
    [0o1, true], // O_WRONLY
    [0o101101, true], // O_WRONLY | O_CREAT | O_TRUNC | O_LARGEFILE
    [0o2, true], // O_RDWR
    [0o2102, true], // O_RDWR | O_APPEND | O_CREAT
    [0o3, false], // access mode 3: ioctl only (open(2), "file access mode")
  ])('flags %o: %s', (flags, expected) => {
    expect(isWriteMode(flags)).toBe(expected);
  });
});
