import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startBench } from './harness.ts';

type Bench = Awaited<ReturnType<typeof startBench>>;

/** The Graph requests (no sign-in) the emulator saw after `mark`, as "METHOD path status". */
function requestsSince(bench: Bench, mark: number): string[] {
  return bench.emulator.requestLog
    .filter((record) => record.sequence > mark && !record.path.includes('/oauth2/'))
    .map(
      (record) => `${record.method} ${record.path.replace(/^.*\/root:\//, '')} ${record.status}`,
    );
}

function lastSequence(bench: Bench): number {
  return bench.emulator.requestLog.at(-1)?.sequence ?? 0;
}

/** A bench with one folder and the given conflict setting, started, its target folder made. */
async function startWarmBench(conflict: 'rename' | 'replace' | 'fail') {
  const bench = await startBench({
    config: (watchDir) => ({
      folders: [{ id: 'requests', path: watchDir, conflict, target: { folderPath: 'Incoming' } }],
    }),
  });
  await bench.start();
  const first = bench.dropFile('a.txt', 'first');
  await bench.waitForState(first.id, ['delivered']);
  return bench;
}

describe('the first send of a small file (issue 7: one request, exactly-once kept)', () => {
  it('sends a fresh small file with one PUT and no look at the target first', async () => {
    const bench = await startWarmBench('rename');
    const mark = lastSequence(bench);
    const items = ['b.txt', 'c.txt', 'd.txt'].map((name) => bench.dropFile(name, `file ${name}`));
    for (const item of items) {
      expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    }
    const requests = requestsSince(bench, mark);
    expect(requests).toHaveLength(3);
    expect(
      requests.every((request) => /^PUT Incoming\/[bcd]\.txt:\/content 201$/.test(request)),
    ).toBe(true);
  });

  it('looks before sending an item that was tried before, and sends nothing when it is there', async () => {
    const bench = await startWarmBench('rename');
    const again = bench.dropFile('a.txt', 'first');
    // As after an attempt whose response was lost, or a crash after the upload.
    bench.store.updateItem(again.id, { attempts: 1 });
    const mark = lastSequence(bench);
    const done = await bench.waitForState(again.id, ['delivered', 'failed']);
    expect(done.state).toBe('delivered');
    expect(requestsSince(bench, mark)).toEqual(['GET Incoming/a.txt: 200']);
    expect(bench.store.listAttempts(again.id).map((attempt) => attempt.outcome)).toEqual([
      'already-there',
    ]);
    expect(fs.readdirSync(bench.remotePath('Incoming'))).toEqual(['a.txt']);
  });

  it('records a first send that finds the identical file there as already delivered, not a copy', async () => {
    const bench = await startWarmBench('rename');
    const mark = lastSequence(bench);
    const same = bench.dropFile('a.txt', 'first');
    const done = await bench.waitForState(same.id, ['delivered', 'failed']);
    expect(done.state).toBe('delivered');
    expect(requestsSince(bench, mark)).toEqual([
      'PUT Incoming/a.txt:/content 409',
      'GET Incoming/a.txt: 200',
    ]);
    expect(bench.store.listAttempts(same.id).map((attempt) => attempt.outcome)).toEqual([
      'already-there',
    ]);
    expect(fs.readdirSync(bench.remotePath('Incoming'))).toEqual(['a.txt']);
  });

  it('renames a first send refused for a different file under conflict "rename"', async () => {
    const bench = await startWarmBench('rename');
    const mark = lastSequence(bench);
    const second = bench.dropFile('a.txt', 'second version');
    const done = await bench.waitForState(second.id, ['delivered', 'failed']);
    expect(done.state).toBe('delivered');
    expect(done.remoteUrl).toMatch(/Incoming\/a%201\.txt$/);
    expect(requestsSince(bench, mark)).toEqual([
      'PUT Incoming/a.txt:/content 409',
      'GET Incoming/a.txt: 200',
      'PUT Incoming/a.txt:/content 201',
    ]);
    expect(fs.readFileSync(bench.remotePath('Incoming/a.txt'), 'utf8')).toBe('first');
    expect(fs.readFileSync(bench.remotePath('Incoming/a 1.txt'), 'utf8')).toBe('second version');
  });

  it('fails a first send refused for a different file under conflict "fail", naming the file and the fix', async () => {
    const bench = await startWarmBench('fail');
    const second = bench.dropFile('a.txt', 'second version');
    const done = await bench.waitForState(second.id, ['delivered', 'failed']);
    expect(done.state).toBe('failed');
    expect(done.lastErrorCode).toBe('graph.conflict');
    expect(done.lastErrorMessage).toContain('"Incoming/a.txt"');
    expect(done.lastErrorMessage).toContain('conflict setting is "fail"');
    expect(fs.readFileSync(bench.remotePath('Incoming/a.txt'), 'utf8')).toBe('first');
  });

  it('replaces with one PUT under conflict "replace"', async () => {
    const bench = await startWarmBench('replace');
    const mark = lastSequence(bench);
    const second = bench.dropFile('a.txt', 'second version');
    expect((await bench.waitForState(second.id, ['delivered', 'failed'])).state).toBe('delivered');
    expect(requestsSince(bench, mark)).toEqual(['PUT Incoming/a.txt:/content 200']);
    expect(fs.readFileSync(bench.remotePath('Incoming/a.txt'), 'utf8')).toBe('second version');
  });

  it('sends a small file into folders that do not exist yet with one PUT: the PUT makes them', async () => {
    const bench = await startBench();
    await bench.start();
    const item = bench.dropFile('north yard/crane 2/log.txt', 'lifted');
    expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    const toLibrary = requestsSince(bench, 0).filter((request) => !request.includes('/sites/'));
    expect(toLibrary).toEqual(['PUT Incoming/north%20yard/crane%202/log.txt:/content 201']);
    expect(fs.readFileSync(bench.remotePath('Incoming/north yard/crane 2/log.txt'), 'utf8')).toBe(
      'lifted',
    );
  });

  it('makes the folders and sends again when SharePoint answers that a folder is missing', async () => {
    const bench = await startBench();
    bench.emulator.faults.add({ method: 'PUT', path: '/content', status: 404, times: 1 });
    await bench.start();
    const item = bench.dropFile('south/log.txt', 'sent twice');
    expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    const toLibrary = requestsSince(bench, 0).filter((request) => !request.includes('/sites/'));
    expect(toLibrary.at(0)).toBe('PUT Incoming/south/log.txt:/content 404');
    expect(toLibrary.filter((request) => request.startsWith('POST'))).not.toEqual([]);
    expect(toLibrary.at(-1)).toBe('PUT Incoming/south/log.txt:/content 201');
    expect(fs.readFileSync(bench.remotePath('Incoming/south/log.txt'), 'utf8')).toBe('sent twice');
  });
});
