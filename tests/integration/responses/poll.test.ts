import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startResponsesBench } from './harness.ts';

type Bench = Awaited<ReturnType<typeof startResponsesBench>>;
const downloads = (bench: Bench) => bench.requests({ pathIncludes: '/_download/' }).length;

describe('responses come back by themselves', () => {
  it('brings what head office puts into SharePoint after the first check, not what was there', async () => {
    const bench = await startResponsesBench();
    await bench.headOfficePuts('old answer.pdf', 'there before the mapping');
    const responses = bench.startResponses();
    await responses.checkNow();
    expect(bench.store.responses.listNewest(10)).toEqual([]);
    expect(bench.requests({ pathIncludes: '/delta' }).at(0)?.path).toMatch(/\/items\/.+\/delta$/);

    const content = randomBytes(120_000);
    await bench.headOfficePuts('new answer.pdf', content);
    await responses.checkNow();
    const [ready] = bench.store.responses.listNewest(10);
    expect(ready).toMatchObject({ state: 'ready', name: 'new answer.pdf' });
    expect(fs.readFileSync(path.join(bench.localFolder, 'new answer.pdf')).equals(content)).toBe(
      true,
    );
    expect(bench.visibleNames()).toEqual(['new answer.pdf']);
  });

  it('brings the files already there when the mapping says "also bring files already there"', async () => {
    const bench = await startResponsesBench();
    await bench.headOfficePuts('old answer.pdf', 'there before the mapping');
    await bench.startResponses({ alsoBringExisting: true }).checkNow();
    expect(bench.visibleNames()).toEqual(['old answer.pdf']);
  });

  it('applies an item repeated in the delta pages once', async () => {
    const bench = await startResponsesBench();
    const responses = bench.startResponses();
    await responses.checkNow();
    await bench.headOfficePuts('a.pdf', 'a');
    await bench.headOfficePuts('b.pdf', 'b');
    bench.emulator.faults.add({ path: '/delta', repeatDeltaItems: true, times: 1 });
    await responses.checkNow();
    const all = bench.store.responses.listNewest(10);
    expect(all.map((response) => [response.name, response.state]).sort()).toEqual([
      ['a.pdf', 'ready'],
      ['b.pdf', 'ready'],
    ]);
    expect(downloads(bench)).toBe(2);
  });

  it('enumerates again after a 410 without downloading anything it holds', async () => {
    const bench = await startResponsesBench();
    const responses = bench.startResponses();
    await responses.checkNow();
    await bench.headOfficePuts('a.pdf', 'a');
    await bench.headOfficePuts('b.pdf', 'b');
    await responses.checkNow();
    expect(downloads(bench)).toBe(2);
    const linkBefore = bench.store.responses.deltaLink('requests');

    bench.emulator.remote.invalidateDeltaTokens();
    await bench.headOfficePuts('c.pdf', 'c');
    await responses.checkNow();
    expect(bench.requests({ pathIncludes: '/delta' }).some((record) => record.status === 410)).toBe(
      true,
    );
    expect(downloads(bench)).toBe(3);
    expect(bench.visibleNames()).toEqual(['a.pdf', 'b.pdf', 'c.pdf']);
    expect(bench.store.responses.listNewest(10)).toHaveLength(3);
    expect(bench.store.responses.deltaLink('requests')).not.toBe(linkBefore);
  });

  it('records a remote deletion and keeps the local copy', async () => {
    const bench = await startResponsesBench();
    const responses = bench.startResponses();
    await responses.checkNow();
    await bench.headOfficePuts('withdrawn.pdf', 'keep me');
    await responses.checkNow();
    await bench.emulator.remote.deleteItem({ path: 'Answers/withdrawn.pdf' });
    await responses.checkNow();
    const [deleted, ready] = bench.store.responses.listNewest(10);
    expect(deleted).toMatchObject({
      state: 'skipped',
      skipReason: 'deleted',
      name: 'withdrawn.pdf',
    });
    expect(ready?.state).toBe('ready');
    expect(fs.readFileSync(path.join(bench.localFolder, 'withdrawn.pdf'), 'utf8')).toBe('keep me');
  });

  it('links a response to the delivered request its name or its request_id names', async () => {
    const bench = await startResponsesBench();
    const request = bench.dropFile('REQ-77.request.json', '{}', { request_id: 'REQ-77' });
    await bench.waitForState(request.id, ['delivered']);
    const responses = bench.startResponses();
    await responses.checkNow();
    await bench.headOfficePuts('REQ-77 answer.pdf', 'the answer');
    await bench.headOfficePuts('REQ-7 other.pdf', 'not ours');
    await bench.headOfficePuts('reply.json', JSON.stringify({ request_id: 'REQ-77', ok: true }));
    await responses.checkNow();
    const byName = Object.fromEntries(
      bench.store.responses.listNewest(10).map((response) => [response.name, response.requestId]),
    );
    expect(byName).toEqual({
      'REQ-77 answer.pdf': 'REQ-77',
      'REQ-7 other.pdf': null,
      'reply.json': 'REQ-77',
    });
    const ready = bench.events.filter((event) => event.type === 'response.ready');
    expect(
      ready.map((event) => (event.data as { requestId: string | null }).requestId).sort(),
    ).toEqual(['REQ-77', 'REQ-77', null].sort());
  });

  it('links a response to the delivered request its library column names', async () => {
    const bench = await startResponsesBench();
    const request = bench.dropFile('survey.request.json', '{}', { request_id: 'REQ-88' });
    await bench.waitForState(request.id, ['delivered']);
    const responses = bench.startResponses({ requestIdColumn: 'RequestId' });
    await responses.checkNow();
    await bench.headOfficePuts('drawing.pdf', 'answers REQ-88');
    bench.emulator.remote.setColumns({ path: 'Answers/drawing.pdf' }, { RequestId: ' REQ-88 ' });
    await bench.headOfficePuts('REQ-88 notes.pdf', 'a column naming no delivered request');
    bench.emulator.remote.setColumns({ path: 'Answers/REQ-88 notes.pdf' }, { RequestId: 'REQ-9' });
    await bench.headOfficePuts('memo.pdf', 'no column, no id in its name');
    await responses.checkNow();

    const byName = Object.fromEntries(
      bench.store.responses.listNewest(10).map((response) => [response.name, response.requestId]),
    );
    // A column naming no delivered request leaves the name to link it.
    expect(byName).toEqual({
      'drawing.pdf': 'REQ-88',
      'REQ-88 notes.pdf': 'REQ-88',
      'memo.pdf': null,
    });
    expect(bench.requests({ pathIncludes: '/listItem/fields' })).toHaveLength(3);
  });

  it('reads no library column when the mapping names none', async () => {
    const bench = await startResponsesBench();
    const request = bench.dropFile('survey.request.json', '{}', { request_id: 'REQ-88' });
    await bench.waitForState(request.id, ['delivered']);
    const responses = bench.startResponses();
    await responses.checkNow();
    await bench.headOfficePuts('drawing.pdf', 'answers REQ-88');
    bench.emulator.remote.setColumns({ path: 'Answers/drawing.pdf' }, { RequestId: 'REQ-88' });
    await responses.checkNow();
    expect(bench.store.responses.listNewest(10)).toMatchObject([
      { name: 'drawing.pdf', requestId: null },
    ]);
    expect(bench.requests({ pathIncludes: '/listItem/fields' })).toEqual([]);
  });

  it("removes a finished response's partial file that a crash before its removal left behind", async () => {
    const bench = await startResponsesBench();
    const responses = bench.startResponses();
    await responses.checkNow();
    await bench.headOfficePuts('plan.pdf', 'the plan');
    await responses.checkNow();
    const [ready] = bench.store.responses.listNewest(10);
    expect(ready?.state).toBe('ready');
    // The crash came after the ready commit, before the partial's name was removed; a partial
    // of a response the inbox does not know (another agent's) is not SiteDrop's to remove.
    const partialFolder = path.join(bench.localFolder, '.sitedrop-partial');
    fs.linkSync(ready!.localPath!, path.join(partialFolder, `${ready!.id}.partial`));
    fs.writeFileSync(path.join(partialFolder, '9999.partial'), 'not ours');
    await responses.checkNow();
    expect(bench.partialNames()).toEqual(['9999.partial']);
    expect(fs.readFileSync(ready!.localPath!, 'utf8')).toBe('the plan');
  });
});
