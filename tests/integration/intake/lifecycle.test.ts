import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Item, Store } from '../../../src/main/core/store/index.ts';
import { listAllItems, restartTestAgent, startTestAgent } from '../../helpers/test-agent.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { sleep, waitFor } from '../../helpers/wait-for.ts';

/** Marks an item delivered the way delivery does (uploading, then delivered). */
function markDelivered(store: Store, itemId: number): void {
  store.transitionItem(itemId, 'uploading', { attempt: 1 });
  store.transitionItem(
    itemId,
    'delivered',
    { remoteUrl: `https://contoso.sharepoint.com/item/${itemId}`, isModifiedByServer: false },
    { remoteUrl: `https://contoso.sharepoint.com/item/${itemId}` },
  );
}

async function waitForItem(store: Store, relativePath: string, state?: string): Promise<Item> {
  return waitFor(
    () =>
      listAllItems(store).find(
        (item) => item.relativePath === relativePath && (!state || item.state === state),
      ),
    { description: `${relativePath} ${state ?? ''}` },
  );
}

describe('intake: catch-up, restarts and changes', () => {
  it('catches up files present before start and does not queue delivered ones again', async () => {
    const first = await startTestAgent();
    const folder = first.folderPaths[0]!;
    fs.writeFileSync(path.join(folder, 'delivered.pdf'), 'sent already');
    fs.writeFileSync(path.join(folder, 'queued.pdf'), 'waiting');
    const delivered = await waitForItem(first.agent.store, 'delivered.pdf');
    await waitForItem(first.agent.store, 'queued.pdf');
    markDelivered(first.agent.store, delivered.id);
    await first.agent.close();

    // While the agent is off: a new file arrives and a queued one is removed.
    fs.writeFileSync(path.join(folder, 'while-off.pdf'), 'dropped while off');
    fs.rmSync(path.join(folder, 'queued.pdf'));

    const agent = await restartTestAgent(first.dataDir);
    const caughtUp = await waitForItem(agent.store, 'while-off.pdf', 'queued');
    await waitForItem(agent.store, 'queued.pdf', 'gone');
    await agent.intake.rescanNow();
    await sleep(400);
    expect(
      listAllItems(agent.store)
        .map((item) => [item.relativePath, item.state])
        .sort(),
    ).toEqual([
      ['delivered.pdf', 'delivered'],
      ['queued.pdf', 'gone'],
      ['while-off.pdf', 'queued'],
    ]);
    const queuedEvent = agent.store
      .readEventsSince(0, 1000)
      .find((event) => event.type === 'item.queued' && event.data.itemId === caughtUp.id);
    expect(queuedEvent?.data).toMatchObject({ reason: 'caught-up' });
  });

  it('records the waiting files of a subfolder removed while the agent was off as gone, and only those', async () => {
    const first = await startTestAgent();
    const folder = first.folderPaths[0]!;
    for (const name of ['kept/a.pdf', 'kept/b.pdf', 'removed/c.pdf', 'removed/deeper/d.pdf']) {
      fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
      fs.writeFileSync(path.join(folder, name), name);
    }
    await waitFor(() => listAllItems(first.agent.store).length === 4, { description: '4 items' });
    await first.agent.close();
    fs.rmSync(path.join(folder, 'removed'), { recursive: true });
    fs.rmSync(path.join(folder, 'kept', 'b.pdf'));

    const agent = await restartTestAgent(first.dataDir);
    await waitForItem(agent.store, 'removed/deeper/d.pdf', 'gone');
    await waitForItem(agent.store, 'kept/b.pdf', 'gone');
    await waitForItem(agent.store, 'removed/c.pdf', 'gone');
    expect(
      listAllItems(agent.store)
        .map((item) => `${item.relativePath}:${item.state}`)
        .sort(),
    ).toEqual([
      'kept/a.pdf:queued',
      'kept/b.pdf:gone',
      'removed/c.pdf:gone',
      'removed/deeper/d.pdf:gone',
    ]);
  });

  it('queues every file present again after the database was found corrupt', async () => {
    const first = await startTestAgent({ folders: [{ afterUpload: { action: 'keep' } }] });
    const folder = first.folderPaths[0]!;
    fs.writeFileSync(path.join(folder, 'a.pdf'), 'a');
    fs.writeFileSync(path.join(folder, 'b.pdf'), 'b');
    const a = await waitForItem(first.agent.store, 'a.pdf');
    await waitForItem(first.agent.store, 'b.pdf');
    markDelivered(first.agent.store, a.id);
    await first.agent.close();
    for (const suffix of ['-wal', '-shm']) {
      fs.rmSync(path.join(first.dataDir, `sitedrop.db${suffix}`), { force: true });
    }
    fs.writeFileSync(path.join(first.dataDir, 'sitedrop.db'), 'garbage garbage garbage garbage');

    const agent = await restartTestAgent(first.dataDir);
    expect(agent.recovery).toBeDefined();
    await waitFor(() => agent.store.countsByState().queued === 2, {
      description: 'both files queued again',
    });
    // Delivery, not intake, recognises a.pdf as already in SharePoint (same size and hash).
    expect(
      listAllItems(agent.store)
        .map((item) => item.relativePath)
        .sort(),
    ).toEqual(['a.pdf', 'b.pdf']);
  });

  it('re-queues the same item with the new content when a file changes before it was sent', async () => {
    const { agent, folderPaths } = await startTestAgent();
    const file = path.join(folderPaths[0]!, 'order.xlsx');
    fs.writeFileSync(file, 'version 1');
    const first = await waitForItem(agent.store, 'order.xlsx');
    fs.writeFileSync(file, 'version 2, longer');
    await waitFor(() => agent.store.getItem(first.id)?.sizeBytes === 'version 2, longer'.length);
    expect(listAllItems(agent.store)).toHaveLength(1);
    expect(agent.store.getItem(first.id)?.state).toBe('queued');
    const reasons = agent.store
      .readEventsSince(0, 1000)
      .filter((event) => event.type === 'item.queued')
      .map((event) => event.data.reason);
    expect(reasons).toEqual(['new', 'changed']);
  });

  it('records a new item when a delivered file changes, and gone when a waiting file is deleted', async () => {
    const { agent, folderPaths } = await startTestAgent();
    const file = path.join(folderPaths[0]!, 'plan.pdf');
    fs.writeFileSync(file, 'version 1');
    const first = await waitForItem(agent.store, 'plan.pdf');
    markDelivered(agent.store, first.id);
    fs.writeFileSync(file, 'version 2 of the plan');
    const second = await waitForItem(agent.store, 'plan.pdf', 'queued');
    expect(second.id).not.toBe(first.id);
    expect(agent.store.getItem(first.id)?.state).toBe('delivered');

    fs.rmSync(file);
    await waitFor(() => agent.store.getItem(second.id)?.state === 'gone', {
      description: 'the waiting item to be gone',
    });
    expect(agent.store.getItem(first.id)?.state).toBe('delivered');
  });

  it('queues a change that waited for the previous version to be sent as soon as that one is delivered', async () => {
    // A long stability window: the changed version's wait after that delivery (the window
    // again) is easy to tell from the look that the delivery itself starts.
    const stabilityWindowMs = 3_000;
    const { agent, folderPaths } = await startTestAgent({ folders: [{ stabilityWindowMs }] });
    const file = path.join(folderPaths[0]!, 'quote.docx');
    fs.writeFileSync(file, 'version 1');
    const first = await waitForItem(agent.store, 'quote.docx');
    agent.store.transitionItem(first.id, 'uploading', { attempt: 1 });
    fs.writeFileSync(file, 'version 2, written while version 1 was being sent');
    // The change is stable and waits for the upload of version 1 to end.
    await sleep(stabilityWindowMs + 600);
    expect(listAllItems(agent.store)).toHaveLength(1);
    const deliveredAt = Date.now();
    agent.store.transitionItem(
      first.id,
      'delivered',
      { remoteUrl: `https://contoso.sharepoint.com/item/${first.id}`, isModifiedByServer: false },
      { remoteUrl: `https://contoso.sharepoint.com/item/${first.id}` },
    );
    const second = await waitForItem(agent.store, 'quote.docx', 'queued');
    expect(second.id).not.toBe(first.id);
    expect(Date.now() - deliveredAt).toBeLessThan(stabilityWindowMs / 2);
  });

  it("records nothing new when only a delivered file's permissions change (an event for a known version)", async () => {
    const { agent, folderPaths } = await startTestAgent();
    const file = path.join(folderPaths[0]!, 'permit.pdf');
    fs.writeFileSync(file, 'signed permit');
    const first = await waitForItem(agent.store, 'permit.pdf');
    markDelivered(agent.store, first.id);
    const eventsBefore = agent.store.readEventsSince(0, 1_000).length;
    fs.chmodSync(file, 0o600);
    // Three stability windows (200 ms): its wait, and the half-window look that drops it.
    await sleep(600);
    expect(listAllItems(agent.store).map((item) => [item.relativePath, item.state])).toEqual([
      ['permit.pdf', 'delivered'],
    ]);
    expect(agent.store.readEventsSince(0, 1_000)).toHaveLength(eventsBefore);
  });

  it.each([
    ['skip', 'skipped', 'linking the earlier item'],
    ['upload', 'queued', 'to be sent again'],
  ] as const)(
    'with duplicates "%s", records content already delivered to the same target as %s, %s',
    async (duplicates, expectedState, _outcome) => {
      const { agent, folderPaths } = await startTestAgent({ folders: [{ duplicates }] });
      const file = path.join(folderPaths[0]!, 'manual.pdf');
      fs.writeFileSync(file, 'the same bytes');
      const first = await waitForItem(agent.store, 'manual.pdf');
      markDelivered(agent.store, first.id);
      // Saved again unchanged (a new mtime, the same content).
      const later = new Date(Date.now() + 5_000);
      fs.utimesSync(file, later, later);
      const second = await waitForItem(agent.store, 'manual.pdf', expectedState);
      expect(second.id).not.toBe(first.id);
      expect(second.duplicateOfItemId).toBe(duplicates === 'skip' ? first.id : null);
    },
  );

  it('takes content as a duplicate only when it was delivered to the same path in the same library', async () => {
    const { agent, folderPaths } = await startTestAgent({
      config: { sharepoint: { library: 'Documents' } },
      folders: [
        { target: { library: 'Orders' } },
        { target: { library: 'Invoices' } },
        { target: { library: 'Orders' } },
      ],
    });
    const [orders, invoices, moreOrders] = folderPaths as [string, string, string];
    fs.writeFileSync(path.join(orders, 'manual.pdf'), 'the same bytes');
    const delivered = await waitForItem(agent.store, 'manual.pdf');
    expect(delivered.library).toBe('Orders');
    markDelivered(agent.store, delivered.id);

    // Same content and target path, but another library: a different file, so it is sent.
    fs.writeFileSync(path.join(invoices, 'manual.pdf'), 'the same bytes');
    const elsewhere = await waitFor(
      () => listAllItems(agent.store).find((item) => item.folderId === 'folder-2'),
      { description: 'the Invoices copy recorded' },
    );
    expect(elsewhere).toMatchObject({ state: 'queued', library: 'Invoices' });
    expect(elsewhere.duplicateOfItemId).toBeNull();

    // The same library through another watched folder: already there, so skipped.
    fs.writeFileSync(path.join(moreOrders, 'manual.pdf'), 'the same bytes');
    const again = await waitFor(
      () => listAllItems(agent.store).find((item) => item.folderId === 'folder-3'),
      { description: 'the second Orders copy recorded' },
    );
    expect(again).toMatchObject({ state: 'skipped', duplicateOfItemId: delivered.id });
  });

  it('reports a removed folder unavailable and watches it again when it is recreated', async () => {
    const { agent, folderPaths } = await startTestAgent();
    const folder = folderPaths[0]!;
    fs.writeFileSync(path.join(folder, 'before.pdf'), 'before');
    await waitForItem(agent.store, 'before.pdf');

    fs.rmSync(folder, { recursive: true });
    await waitFor(() => !agent.intake.folderHealth()['folder-1']?.isAvailable, {
      description: 'the folder to be unavailable',
    });
    expect(agent.intake.folderHealth()['folder-1']?.reason).toContain('does not exist');
    fs.mkdirSync(folder);
    await waitFor(() => agent.intake.folderHealth()['folder-1']?.isAvailable, {
      description: 'the folder to be available again',
    });
    fs.writeFileSync(path.join(folder, 'after.pdf'), 'after');
    await waitForItem(agent.store, 'after.pdf', 'queued');

    const folderEvents = agent.store
      .readEventsSince(0, 1000)
      .filter((event) => event.type.startsWith('folder.'))
      .map((event) => event.type);
    expect(folderEvents).toEqual(['folder.unavailable', 'folder.available']);
  });

  it('watches a folder that is missing at start once it appears', async () => {
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ path: path.join(makeTempDir(), 'later') }],
    });
    expect(agent.intake.folderHealth()['folder-1']).toMatchObject({ isAvailable: false });
    fs.mkdirSync(folderPaths[0]!);
    fs.writeFileSync(path.join(folderPaths[0]!, 'first.pdf'), 'first');
    await waitForItem(agent.store, 'first.pdf', 'queued');
  });

  it('archives the local file after delivery, only once it was delivered', async () => {
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ afterUpload: { action: 'archive' } }],
    });
    const folder = folderPaths[0]!;
    fs.mkdirSync(path.join(folder, 'site'));
    fs.writeFileSync(path.join(folder, 'site', 'report.pdf'), 'report');
    const item = await waitForItem(agent.store, 'site/report.pdf');
    await sleep(300);
    expect(fs.existsSync(path.join(folder, 'site', 'report.pdf'))).toBe(true);

    markDelivered(agent.store, item.id);
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    const archived = path.join(folder, 'Sent', day, 'site', 'report.pdf');
    await waitFor(() => fs.existsSync(archived), { description: 'the archived file' });
    expect(fs.existsSync(path.join(folder, 'site', 'report.pdf'))).toBe(false);
    expect(fs.readFileSync(archived, 'utf8')).toBe('report');
    // The move is recorded as an event of the item, which the UI's history and `status` show.
    const archivedEvent = await waitFor(() =>
      agent.store.listItemEvents(item.id, 10).find((event) => event.type === 'item.archived'),
    );
    expect(archivedEvent.data).toEqual({
      itemId: item.id,
      path: 'site/report.pdf',
      archivePath: archived,
    });

    // A second file of the same name is archived beside it, not over it.
    fs.writeFileSync(path.join(folder, 'site', 'report.pdf'), 'report, second edition');
    const second = await waitForItem(agent.store, 'site/report.pdf', 'queued');
    markDelivered(agent.store, second.id);
    const beside = path.join(folder, 'Sent', day, 'site', 'report (2).pdf');
    await waitFor(() => fs.existsSync(beside), { description: 'the second archived file' });
    await sleep(1200);
    // Archiving is not a loss: nothing became gone, and the archive is not taken as new files.
    expect(listAllItems(agent.store).map((entry) => entry.state)).toEqual([
      'delivered',
      'delivered',
    ]);
  });

  it('goes on when the event of an archived file cannot be written (the move is kept, intake runs on)', async () => {
    const { agent, dataDir, folderPaths } = await startTestAgent({
      folders: [{ afterUpload: { action: 'archive' } }],
    });
    const folder = folderPaths[0]!;
    fs.writeFileSync(path.join(folder, 'plan.pdf'), 'plan');
    const item = await waitForItem(agent.store, 'plan.pdf');
    // The history write fails (as on a full disk), through a second connection to the same file.
    const other = new Database(path.join(dataDir, 'sitedrop.db'));
    other.exec(
      "CREATE TRIGGER refuse_archived BEFORE INSERT ON events WHEN NEW.type = 'item.archived' BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    other.close();

    markDelivered(agent.store, item.id);
    await waitFor(() => !fs.existsSync(path.join(folder, 'plan.pdf')), {
      description: 'plan.pdf moved to the archive',
    });
    // Intake goes on: the next file is queued (an unhandled rejection would fail this test).
    fs.writeFileSync(path.join(folder, 'next.pdf'), 'next');
    await waitForItem(agent.store, 'next.pdf', 'queued');
    expect(agent.store.listItemEvents(item.id, 10).map((event) => event.type)).not.toContain(
      'item.archived',
    );
  });

  it('keeps a delivered file that changed since its upload, and deletes one that did not', async () => {
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ afterUpload: { action: 'delete' } }],
    });
    const folder = folderPaths[0]!;
    fs.writeFileSync(path.join(folder, 'keep.pdf'), 'v1');
    fs.writeFileSync(path.join(folder, 'delete.pdf'), 'v1');
    const keep = await waitForItem(agent.store, 'keep.pdf');
    const remove = await waitForItem(agent.store, 'delete.pdf');
    fs.writeFileSync(path.join(folder, 'keep.pdf'), 'v2, changed before the upload finished');
    markDelivered(agent.store, keep.id);
    markDelivered(agent.store, remove.id);
    await waitFor(() => !fs.existsSync(path.join(folder, 'delete.pdf')));
    await sleep(300);
    expect(fs.readFileSync(path.join(folder, 'keep.pdf'), 'utf8')).toContain('v2');
    await waitForItem(agent.store, 'keep.pdf', 'queued');
    const localEvents = agent.store
      .readEventsSince(0, 1000)
      .filter((event) => event.type === 'item.local-deleted' || event.type === 'item.archived');
    expect(localEvents.map((event) => [event.type, event.data])).toEqual([
      ['item.local-deleted', { itemId: remove.id, path: 'delete.pdf' }],
    ]);
  });
});
