// Graph contract: an item keeps its id, eTag and cTag across emulator restarts until it changes,
// as a SharePoint item does (api-reference/v1.0/resources/driveitem.md: id "The unique
// identifier of the item within the Drive"; eTag "for the entire item (metadata + content)";
// cTag "not changed if only the metadata is changed").

import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEmulator } from '../emulator-client.ts';
import type { TestEmulator } from '../emulator-client.ts';

interface DriveItem {
  id: string;
  name: string;
  eTag: string;
  cTag: string;
  fileSystemInfo: { lastModifiedDateTime: string };
}

const opened: TestEmulator[] = [];

afterEach(async () => {
  for (const test of opened.splice(0).reverse()) await test.close();
});

async function start(rootDir?: string): Promise<{ test: TestEmulator; driveId: string }> {
  const test = await startTestEmulator({}, rootDir);
  opened.push(test);
  return { test, driveId: await test.driveId() };
}

async function restart(test: TestEmulator): Promise<{ test: TestEmulator; driveId: string }> {
  await test.emulator.close();
  return start(test.rootDir);
}

describe('ids, eTags and cTags across restarts (api-reference/v1.0/resources/driveitem.md)', () => {
  it('serves a renamed, moved, column-tagged file under its id, eTag and cTag after a restart, with its fields and fileSystemInfo', async () => {
    const first = await start();
    const { test, driveId } = first;
    const folder = await test.call(`/v1.0/drives/${driveId}/root/children`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Kept', folder: {} }),
    });
    const folderId = folder.json<{ id: string }>().id;
    const file = (
      await test.call(`/v1.0/drives/${driveId}/root:/kept.txt:/content`, {
        method: 'PUT',
        body: 'kept',
      })
    ).json<DriveItem>();
    await test.call(`/v1.0/drives/${driveId}/items/${file.id}/listItem/fields`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Title: 'Kept title' }),
    });
    const moved = await test.call(`/v1.0/drives/${driveId}/items/${file.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'kept-renamed.txt',
        parentReference: { id: folderId },
        fileSystemInfo: { lastModifiedDateTime: '2022-02-22T22:22:22Z' },
      }),
    });
    const before = moved.json<DriveItem>();
    const fieldsBefore = (
      await test.call(`/v1.0/drives/${driveId}/items/${file.id}/listItem/fields`)
    ).json<Record<string, unknown>>();

    const second = await restart(test);
    const after = await second.test.call(`/v1.0/drives/${driveId}/items/${file.id}`);
    expect(after.status).toBe(200);
    expect(after.json<DriveItem>()).toMatchObject(before);
    const fieldsAfter = await second.test.call(
      `/v1.0/drives/${driveId}/items/${file.id}/listItem/fields`,
    );
    expect(fieldsAfter.json()).toEqual(fieldsBefore);
    const byPath = await second.test.call(`/v1.0/drives/${driveId}/root:/Kept/kept-renamed.txt`);
    expect(byPath.json<DriveItem>().id).toBe(file.id);
  });

  it('keeps the eTag of an unchanged file over two restarts, and changes eTag and cTag (not the id) of a file changed on disk meanwhile', async () => {
    const first = await start();
    const put = (name: string) =>
      first.test.call(`/v1.0/drives/${first.driveId}/root:/${name}:/content`, {
        method: 'PUT',
        body: name,
      });
    const unchanged = (await put('unchanged.txt')).json<DriveItem>();
    const changed = (await put('changed.txt')).json<DriveItem>();

    const second = await restart(first.test);
    await appendFile(path.join(second.test.rootDir, 'Documents', 'changed.txt'), ' (edited)');
    const third = await restart(second.test);

    const get = async (id: string) =>
      (await third.test.call(`/v1.0/drives/${third.driveId}/items/${id}`)).json<DriveItem>();
    expect(await get(unchanged.id)).toMatchObject({ eTag: unchanged.eTag, cTag: unchanged.cTag });
    const edited = await get(changed.id);
    expect(edited.id).toBe(changed.id);
    expect(edited.eTag).not.toBe(changed.eTag);
    expect(edited.cTag).not.toBe(changed.cTag);
  });
});
