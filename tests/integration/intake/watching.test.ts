import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickXorHash } from '../../../src/shared/quick-xor-hash.ts';
import { writeFromOtherProcess } from '../../helpers/other-writer.ts';
import { listAllItems, startTestAgent } from '../../helpers/test-agent.ts';
import { sleep, waitFor } from '../../helpers/wait-for.ts';

describe('intake: watching folders (real files, real fs.watch)', () => {
  it('queues a dropped file once, with its size, hashes and target path', async () => {
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ target: { folderPath: 'Requests/North' } }],
    });
    const content = randomBytes(300_000);
    fs.mkdirSync(path.join(folderPaths[0]!, 'site a'));
    fs.writeFileSync(path.join(folderPaths[0]!, 'site a', 'report.pdf'), content);

    const [item] = await waitFor(() => {
      const items = listAllItems(agent.store);
      return items.length > 0 && items;
    });
    expect(item).toMatchObject({
      folderId: 'folder-1',
      relativePath: 'site a/report.pdf',
      state: 'queued',
      sizeBytes: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      quickXorHash: quickXorHash(content),
      targetPath: 'Requests/North/site a/report.pdf',
    });
    await agent.intake.rescanNow();
    await sleep(400);
    expect(listAllItems(agent.store)).toHaveLength(1);
  });

  it('finds files by polling in a folder set to polling mode', async () => {
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ polling: { enabled: true, intervalMs: 100 } }],
    });
    fs.mkdirSync(path.join(folderPaths[0]!, 'share'));
    fs.writeFileSync(path.join(folderPaths[0]!, 'share', 'scan.pdf'), 'scanned on a share');
    const item = await waitFor(() => listAllItems(agent.store)[0], { description: 'the item' });
    expect(item).toMatchObject({ relativePath: 'share/scan.pdf', state: 'queued' });
  });

  it('queues 1,000 files dropped at once, each exactly once', async () => {
    const { agent, folderPaths } = await startTestAgent();
    const names = Array.from(
      { length: 1000 },
      (_, index) => `scan-${String(index).padStart(4, '0')}.pdf`,
    );
    await writeFromOtherProcess(
      folderPaths[0]!,
      Object.fromEntries(names.map((name) => [name, `page ${name}`])),
    );

    await waitFor(() => agent.store.countsByState().queued === 1000, {
      timeoutMs: 20_000,
      description: '1,000 queued items',
    });
    // Another reconciliation pass and time for stray events must not add a single item.
    await agent.intake.rescanNow();
    await sleep(500);
    const items = listAllItems(agent.store);
    expect(items).toHaveLength(1000);
    expect(new Set(items.map((item) => item.relativePath))).toEqual(new Set(names));
    expect(
      agent.store.readEventsSince(0, 5000).filter((e) => e.type === 'item.queued'),
    ).toHaveLength(1000);
  });

  it('queues a file written slowly in chunks once, after its last write', async () => {
    const { agent, folderPaths } = await startTestAgent({ folders: [{ stabilityWindowMs: 500 }] });
    const file = path.join(folderPaths[0]!, 'slow-scan.tiff');
    const handle = await fs.promises.open(file, 'w');
    const chunks: Buffer[] = [];
    for (let index = 0; index < 12; index++) {
      const chunk = randomBytes(64 * 1024);
      chunks.push(chunk);
      await handle.write(chunk);
      await handle.sync();
      // Nothing may be queued while the file is still being written.
      expect(listAllItems(agent.store)).toEqual([]);
      await sleep(200);
    }
    await handle.close();
    const lastWriteAt = Date.now();

    const item = await waitFor(() => listAllItems(agent.store)[0], { description: 'the item' });
    expect(item.createdAt).toBeGreaterThanOrEqual(lastWriteAt);
    const content = Buffer.concat(chunks);
    expect(item.sizeBytes).toBe(content.length);
    expect(item.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    await sleep(800);
    expect(listAllItems(agent.store)).toHaveLength(1);
  });

  it('queues a small file changed after it was read halfway through its window with its last content', async () => {
    const windowMs = 800;
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ stabilityWindowMs: windowMs }],
    });
    const file = path.join(folderPaths[0]!, 'order.pdf');
    const first = randomBytes(2048);
    const last = randomBytes(2048);
    fs.writeFileSync(file, first);
    // Past the middle of the window (where small files are read), before its end.
    await sleep(windowMs * 0.75);
    expect(listAllItems(agent.store)).toHaveLength(0);
    fs.writeFileSync(file, last);
    const lastWrittenAt = performance.now();

    const item = await waitFor(() => listAllItems(agent.store)[0], { description: 'the item' });
    expect(performance.now() - lastWrittenAt).toBeGreaterThanOrEqual(windowMs);
    expect(item).toMatchObject({
      sizeBytes: 2048,
      sha256: createHash('sha256').update(last).digest('hex'),
      quickXorHash: quickXorHash(last),
    });
    await sleep(300);
    expect(listAllItems(agent.store)).toHaveLength(1);
  });

  it("counts a file's wait from when it arrived when its event is handled late, never from earlier", async () => {
    const windowMs = 1_000;
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ stabilityWindowMs: windowMs }],
    });
    const file = path.join(folderPaths[0]!, 'late.pdf');
    const writtenAt = Date.now();
    fs.writeFileSync(file, randomBytes(2048));
    // The agent's thread is busy for 600 ms right after the write, as with the other events of a
    // burst: the file's event is handled late. Its wait counts from its change time, though by
    // at most half the window (intake watches it for the other half itself).
    const busyUntil = performance.now() + 600;
    while (performance.now() < busyUntil) {
      // Busy, as a burst's other events would keep the thread.
    }

    const item = await waitFor(() => listAllItems(agent.store)[0], { description: 'the item' });
    const queuedAfterMs = item.createdAt - writtenAt;
    expect(queuedAfterMs).toBeGreaterThanOrEqual(windowMs);
    // Counted from when the event was handled, it would be queued 1,600 ms after the write.
    expect(queuedAfterMs).toBeLessThan(windowMs + 400);
  });

  it('takes the final name of temp, lock and partial files, and none of the temps', async () => {
    const { agent, folderPaths } = await startTestAgent();
    const folder = folderPaths[0]!;
    const write = (name: string, content = `content of ${name}`) =>
      fs.promises.writeFile(path.join(folder, name), content);
    // Word: lock file, write a temp file, rename it over the final name.
    await write('~$port.docx');
    await write('~WRD0001.tmp', 'draft');
    await sleep(50);
    await write('~WRD0001.tmp', 'final text');
    await fs.promises.rename(path.join(folder, '~WRD0001.tmp'), path.join(folder, 'report.docx'));
    // Browsers and transfer tools: a partial file renamed when complete.
    await write('invoice.pdf.crdownload');
    await fs.promises.rename(
      path.join(folder, 'invoice.pdf.crdownload'),
      path.join(folder, 'invoice.pdf'),
    );
    for (const name of ['photo.jpg.part', 'a.partial', 'b.download', 'scratch.tmp'])
      await write(name);
    for (const name of ['.hidden', 'desktop.ini', 'Thumbs.db', '.DS_Store']) await write(name);
    fs.mkdirSync(path.join(folder, '.git'));
    await write('.git/config');

    await waitFor(() => listAllItems(agent.store).length >= 2, { description: 'two items' });
    await sleep(600);
    const items = listAllItems(agent.store);
    expect(items.map((item) => item.relativePath).sort()).toEqual(['invoice.pdf', 'report.docx']);
    expect(items.find((item) => item.relativePath === 'report.docx')?.sizeBytes).toBe(
      'final text'.length,
    );
  });

  it('applies include and exclude globs of the folder', async () => {
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ include: ['*.pdf', 'orders/**'], exclude: ['drafts', '*-old.pdf'] }],
    });
    const folder = folderPaths[0]!;
    fs.mkdirSync(path.join(folder, 'drafts'));
    fs.mkdirSync(path.join(folder, 'orders'));
    for (const name of ['a.pdf', 'b.docx', 'drafts/c.pdf', 'd-old.pdf', 'orders/e.csv']) {
      fs.writeFileSync(path.join(folder, name), name);
    }
    await waitFor(() => listAllItems(agent.store).length >= 2, { description: 'two items' });
    await sleep(500);
    expect(
      listAllItems(agent.store)
        .map((item) => item.relativePath)
        .sort(),
    ).toEqual(['a.pdf', 'orders/e.csv']);
  });

  it('watches folders made after start at any depth, and lets a removed folder take its files away', async () => {
    const { agent, folderPaths } = await startTestAgent();
    const folder = folderPaths[0]!;
    fs.mkdirSync(path.join(folder, 'site b', 'week 1', 'day 2'), { recursive: true });
    await sleep(100);
    fs.writeFileSync(path.join(folder, 'site b', 'week 1', 'day 2', 'deep.pdf'), 'deep');
    await waitFor(() => listAllItems(agent.store).length === 1, { description: 'the deep file' });
    // A folder moved in with files already inside: the events name the folder only.
    const outside = path.join(path.dirname(folder), 'moved-in');
    fs.mkdirSync(path.join(outside, 'inner'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'inner', 'carried.pdf'), 'carried');
    fs.renameSync(outside, path.join(folder, 'moved-in'));
    await waitFor(() => listAllItems(agent.store).length === 2, { description: 'the moved file' });
    // A file written into the moved folder afterwards is seen too: the folder is watched.
    fs.writeFileSync(path.join(folder, 'moved-in', 'inner', 'later.pdf'), 'later');
    await waitFor(() => listAllItems(agent.store).length === 3, { description: 'the later file' });

    fs.rmSync(path.join(folder, 'site b'), { recursive: true });
    await waitFor(
      () =>
        listAllItems(agent.store).find((item) => item.relativePath.startsWith('site b/'))?.state ===
        'gone',
      { description: "the removed folder's file to be gone" },
    );
    expect(
      listAllItems(agent.store)
        .map((item) => `${item.relativePath}:${item.state}`)
        .sort(),
    ).toEqual([
      'moved-in/inner/carried.pdf:queued',
      'moved-in/inner/later.pdf:queued',
      'site b/week 1/day 2/deep.pdf:gone',
    ]);
  });
});
