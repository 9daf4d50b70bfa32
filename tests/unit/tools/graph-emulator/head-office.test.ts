// Head office's side of the emulator: a drop folder on disk whose finished files become
// driveItems under Responses/ and show up in delta, and the control calls that add, replace and
// delete files by path. Real files, real chokidar, real HTTPS.

import { mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../../../helpers/wait-for.ts';
import { CONTROL_TOKEN_HEADER } from '../../../../tools/graph-emulator/index.ts';
import { startTestEmulator } from './emulator-client.ts';
import type { TestEmulator } from './emulator-client.ts';
import { lastOccurrences, readRound } from './contract/delta-client.ts';
import type { DeltaItem } from './contract/delta-client.ts';

/** How long a dropped file's size must hold still (long against a stalled event loop). */
const SETTLE_MS = 1500;

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startWithDropFolder(existing?: {
  rootDir: string;
  dropFolder: string;
}): Promise<{ test: TestEmulator; driveId: string; dropFolder: string }> {
  let workDir: string | undefined;
  if (!existing) {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'head-office-test-'));
    const dir = workDir;
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
  }
  const rootDir = existing?.rootDir ?? path.join(workDir ?? '', 'sharepoint');
  const dropFolder = existing?.dropFolder ?? path.join(workDir ?? '', 'head-office');
  const test = await startTestEmulator(
    { headOffice: { directory: dropFolder, settleMs: SETTLE_MS } },
    rootDir,
  );
  cleanups.push(() => test.close());
  return { test, driveId: await test.driveId(), dropFolder };
}

async function itemAt(test: TestEmulator, driveId: string, itemPath: string) {
  const response = await test.call(`/v1.0/drives/${driveId}/root:/${itemPath}`);
  return response.status === 200 ? response.json<DeltaItem & { cTag: string }>() : undefined;
}

async function latestLink(test: TestEmulator, driveId: string): Promise<string> {
  const page = (await test.call(`/v1.0/drives/${driveId}/root/delta?token=latest`)).json<{
    '@odata.deltaLink': string;
  }>();
  return page['@odata.deltaLink'];
}

describe('head office drop folder (option headOffice)', () => {
  it('a file copied into the drop folder becomes a driveItem under Responses/ with the same bytes, and shows up in delta', async () => {
    const { test, driveId, dropFolder } = await startWithDropFolder();
    const deltaLink = await latestLink(test, driveId);
    await writeFile(path.join(dropFolder, 'REQ-77 answer.pdf'), 'the answer');
    const item = await waitFor(() => itemAt(test, driveId, 'Responses/REQ-77 answer.pdf'), {
      description: 'the dropped file in Responses/',
    });
    const download = await test.call(`/v1.0/drives/${driveId}/items/${item.id}/content`);
    const bytes = await test.call(String(download.headers['location']));
    expect(bytes.text).toBe('the answer');
    const seen = lastOccurrences((await readRound(test, deltaLink)).items);
    expect(seen.get(item.id)).toMatchObject({ name: 'REQ-77 answer.pdf', size: 10 });
  });

  it('a file still being written is not brought in until its size holds still, and then whole', async () => {
    const { test, driveId, dropFolder } = await startWithDropFolder();
    const handle = await open(path.join(dropFolder, 'slow.bin'), 'w');
    const chunk = Buffer.alloc(4096, 7);
    for (let written = 0; written < 20; written++) {
      await handle.write(chunk);
      await sleep(50);
      expect(await itemAt(test, driveId, 'Responses/slow.bin')).toBeUndefined();
    }
    await handle.close();
    const item = await waitFor(() => itemAt(test, driveId, 'Responses/slow.bin'));
    expect(item.size).toBe(20 * 4096);
  });

  it('a file renamed in from a .partial name is brought in; the .partial name never is', async () => {
    const { test, driveId, dropFolder } = await startWithDropFolder();
    const partial = path.join(dropFolder, 'renamed.pdf.partial');
    await writeFile(partial, 'whole');
    await sleep(SETTLE_MS + 500);
    expect(await itemAt(test, driveId, 'Responses/renamed.pdf.partial')).toBeUndefined();
    await rename(partial, path.join(dropFolder, 'renamed.pdf'));
    const item = await waitFor(() => itemAt(test, driveId, 'Responses/renamed.pdf'));
    expect(item.size).toBe(5);
  });

  it('resources/driveitem.md (eTag, cTag): a changed file keeps its id with a new eTag and cTag; a removed file is reported deleted by delta', async () => {
    const { test, driveId, dropFolder } = await startWithDropFolder();
    await writeFile(path.join(dropFolder, 'first.txt'), 'v1');
    const first = await waitFor(() => itemAt(test, driveId, 'Responses/first.txt'));
    await writeFile(path.join(dropFolder, 'first.txt'), 'version two');
    const changed = await waitFor(async () => {
      const item = await itemAt(test, driveId, 'Responses/first.txt');
      return item?.size === 11 ? item : undefined;
    });
    expect(changed.id).toBe(first.id);
    expect(changed.eTag).not.toBe(first.eTag);
    expect(changed.cTag).not.toBe(first.cTag);
    const deltaLink = await latestLink(test, driveId);
    await rm(path.join(dropFolder, 'first.txt'));
    await waitFor(async () => (await itemAt(test, driveId, 'Responses/first.txt')) === undefined);
    const seen = lastOccurrences((await readRound(test, deltaLink)).items);
    expect(seen.get(first.id)?.deleted).toEqual({ state: 'deleted' });
  });

  it('resources/driveitem.md (id): ids stay across restarts; files added, changed and removed while the emulator was stopped are brought in at start', async () => {
    const first = await startWithDropFolder();
    await writeFile(path.join(first.dropFolder, 'kept.txt'), 'kept');
    await writeFile(path.join(first.dropFolder, 'gone.txt'), 'gone');
    const kept = await waitFor(() => itemAt(first.test, first.driveId, 'Responses/kept.txt'));
    const gone = await waitFor(() => itemAt(first.test, first.driveId, 'Responses/gone.txt'));
    await first.test.emulator.close();
    await rm(path.join(first.dropFolder, 'gone.txt'));
    await writeFile(path.join(first.dropFolder, 'kept.txt'), 'kept, then edited');
    await writeFile(path.join(first.dropFolder, 'new.txt'), 'new');

    const second = await startWithDropFolder({
      rootDir: first.test.rootDir,
      dropFolder: first.dropFolder,
    });
    const keptAfter = await itemAt(second.test, second.driveId, 'Responses/kept.txt');
    expect(keptAfter).toMatchObject({ id: kept.id, size: 'kept, then edited'.length });
    expect(keptAfter?.cTag).not.toBe(kept.cTag);
    expect(await itemAt(second.test, second.driveId, 'Responses/gone.txt')).toBeUndefined();
    expect(await itemAt(second.test, second.driveId, 'Responses/new.txt')).toBeDefined();
    const round = await readRound(second.test, `/v1.0/drives/${second.driveId}/root/delta`);
    expect(lastOccurrences(round.items).has(gone.id)).toBe(false);
  });
});

describe('head office by control call (PUT and DELETE /_emulator/files/…)', () => {
  it('adds a file by path (201), replaces it (200, same id, new cTag) and deletes it (204, then 404)', async () => {
    const { test, driveId } = await startWithDropFolder();
    const control = { [CONTROL_TOKEN_HEADER]: test.emulator.controlToken };
    const url = '/_emulator/files/Documents/Responses/Site%20B/reply.json';
    const added = await test.call(url, {
      method: 'PUT',
      auth: false,
      headers: control,
      body: '{"a":1}',
    });
    expect(added.status).toBe(201);
    const replaced = await test.call(url, {
      method: 'PUT',
      auth: false,
      headers: control,
      body: '{"a":2}',
    });
    expect(replaced.status).toBe(200);
    const before = added.json<DeltaItem & { cTag: string }>();
    const after = replaced.json<DeltaItem & { cTag: string }>();
    expect(after.id).toBe(before.id);
    expect(after.cTag).not.toBe(before.cTag);
    const item = await itemAt(test, driveId, 'Responses/Site B/reply.json');
    expect(item?.id).toBe(before.id);
    const stored = path.join(test.rootDir, 'Documents', 'Responses', 'Site B', 'reply.json');
    expect(await readFile(stored, 'utf8')).toBe('{"a":2}');
    const deleted = await test.call(url, { method: 'DELETE', auth: false, headers: control });
    expect(deleted.status).toBe(204);
    const again = await test.call(url, { method: 'DELETE', auth: false, headers: control });
    expect(again.status).toBe(404);
    const refused = await test.call(url, { method: 'PUT', auth: false, body: 'x' });
    expect(refused.status).toBe(401);
  });
});
