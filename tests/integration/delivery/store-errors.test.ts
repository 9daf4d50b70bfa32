import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { databaseFileName } from '../../../src/main/core/store/open-database.ts';
import { startBench } from './harness.ts';

describe('delivery when the store fails in a failure path (issue 7: a disk-full flake)', () => {
  it('never lets a store error escape while recording an outcome or giving a claim back, and retries the item without a restart once the store works', async () => {
    const bench = await startBench();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    onTestFinished(() => void process.off('unhandledRejection', onUnhandled));
    const item = bench.dropFile('vanishing.txt', 'here, then not');
    fs.rmSync(path.join(bench.watchDir, 'vanishing.txt'));
    // A second connection to the same file makes recording "gone" and giving the claim back
    // fail, as a full disk does (SQLITE_FULL from store.releaseClaim, seen in local-faults).
    const db = new Database(path.join(bench.dataDir, databaseFileName));
    onTestFinished(() => void db.close());
    db.exec(`
      CREATE TRIGGER test_no_gone BEFORE UPDATE OF state ON items WHEN NEW.state = 'gone'
        BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END;
      CREATE TRIGGER test_no_release BEFORE UPDATE OF claimed_by ON outbox
        WHEN NEW.claimed_by IS NULL
        BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END;
    `);
    await bench.start();
    await waitForLog(bench.logLines, 'Could not give a claimed item back to the queue');
    // It stays claimed (uploading) while the store refuses, however often the worker pumps.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bench.store.getItem(item.id)?.state).toBe('uploading');
    expect(
      bench.logLines.filter((line) => line.includes('Could not give a claimed item back')),
    ).toHaveLength(1);

    db.exec('DROP TRIGGER test_no_gone; DROP TRIGGER test_no_release;');
    // The claim is given back on a later pump and the item is tried again: the file is gone.
    expect((await bench.waitForState(item.id, ['gone'], 5_000)).state).toBe('gone');
    expect(unhandled).toEqual([]);
  });
});

async function waitForLog(lines: readonly string[], text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!lines.some((line) => line.includes(text))) {
    if (Date.now() > deadline) throw new Error(`no log line with "${text}":\n${lines.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
