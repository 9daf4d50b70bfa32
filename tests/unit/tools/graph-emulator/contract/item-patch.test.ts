// Graph contract: PATCH on a driveItem renames, moves and sets fileSystemInfo
// (api-reference/v1.0/api/driveitem-update.md, driveitem-move.md), with the disk kept in step.

import { access, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSharedEmulator } from './shared-emulator.ts';

const shared = useSharedEmulator();

interface DriveItem {
  id: string;
  name: string;
  eTag: string;
  cTag?: string;
  parentReference: { id: string; path: string };
  fileSystemInfo: { createdDateTime: string; lastModifiedDateTime: string };
}

interface GraphErrorBody {
  error: { code: string; innerError: { code?: string } };
}

function onDisk(...segments: string[]): string {
  return path.join(shared.test.rootDir, 'Documents', ...segments);
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function put(itemPath: string, body: string): Promise<DriveItem> {
  const response = await shared.test.call(
    `/v1.0/drives/${shared.driveId}/root:/${itemPath}:/content`,
    { method: 'PUT', body },
  );
  expect(response.status).toBeLessThan(300);
  return response.json<DriveItem>();
}

async function folder(name: string, parentPath = ''): Promise<DriveItem> {
  const address = parentPath === '' ? 'root' : `root:/${parentPath}:`;
  const response = await shared.test.call(`/v1.0/drives/${shared.driveId}/${address}/children`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, folder: {} }),
  });
  expect(response.status).toBe(201);
  return response.json<DriveItem>();
}

function patch(id: string, body: unknown, headers: Record<string, string> = {}) {
  return shared.test.call(`/v1.0/drives/${shared.driveId}/items/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('rename (api-reference/v1.0/api/driveitem-update.md)', () => {
  it('renames a file with {"name"}: same id, new eTag, same cTag, and the file on disk renamed', async () => {
    const file = await put('rename-me.txt', 'rename');
    const response = await patch(file.id, { name: 'renamed.txt' });
    expect(response.status).toBe(200);
    const renamed = response.json<DriveItem>();
    expect(renamed).toMatchObject({ id: file.id, name: 'renamed.txt', cTag: file.cTag });
    expect(renamed.eTag).not.toBe(file.eTag);
    expect(await exists(onDisk('rename-me.txt'))).toBe(false);
    expect(await readFile(onDisk('renamed.txt'), 'utf8')).toBe('rename');
    const byOldPath = await shared.test.call(`/v1.0/drives/${shared.driveId}/root:/rename-me.txt`);
    expect(byOldPath.status).toBe(404);
  });

  it('allows a rename that changes only the case of the name', async () => {
    const file = await put('case.txt', 'case');
    const response = await patch(file.id, { name: 'CASE.txt' });
    expect(response.status).toBe(200);
    expect(await readdir(shared.test.rootDir + '/Documents')).toContain('CASE.txt');
  });

  it('refuses a name another item in the folder has (any case) with 409 nameAlreadyExists, changing nothing (concepts/errors.md)', async () => {
    const file = await put('taken-a.txt', 'a');
    await put('taken-b.txt', 'b');
    const response = await patch(file.id, { name: 'TAKEN-B.txt' });
    expect(response.status).toBe(409);
    expect(response.json<GraphErrorBody>().error.code).toBe('nameAlreadyExists');
    expect(await readFile(onDisk('taken-a.txt'), 'utf8')).toBe('a');
    expect(await readFile(onDisk('taken-b.txt'), 'utf8')).toBe('b');
  });

  it('refuses a name SharePoint refuses (support.microsoft.com/office/64883a5d-228e-48f5-b3d2-eb39e07630fa)', async () => {
    const file = await put('fine.txt', 'fine');
    const response = await patch(file.id, { name: 'desktop.ini' });
    expect(response.status).toBe(400);
    expect(response.json<GraphErrorBody>().error.innerError.code).toBe('invalidPath');
  });
});

describe('move (api-reference/v1.0/api/driveitem-move.md)', () => {
  it('moves a file by parentReference.id and renames it in the same request', async () => {
    const target = await folder('Move Target');
    const file = await put('move-me.txt', 'move');
    const response = await patch(file.id, {
      parentReference: { id: target.id },
      name: 'moved.txt',
    });
    expect(response.status).toBe(200);
    expect(response.json<DriveItem>()).toMatchObject({
      id: file.id,
      name: 'moved.txt',
      parentReference: { id: target.id, path: `/drives/${shared.driveId}/root:/Move Target` },
    });
    expect(await exists(onDisk('move-me.txt'))).toBe(false);
    expect(await readFile(onDisk('Move Target', 'moved.txt'), 'utf8')).toBe('move');
  });

  it('moves a folder with its files by parentReference.path, on disk too', async () => {
    const moving = await folder('Moving');
    await put('Moving/inside.txt', 'inside');
    await folder('Destination');
    const response = await patch(moving.id, {
      parentReference: { path: `/drives/${shared.driveId}/root:/Destination` },
    });
    expect(response.status).toBe(200);
    expect(await readFile(onDisk('Destination', 'Moving', 'inside.txt'), 'utf8')).toBe('inside');
    const inside = await shared.test.call(
      `/v1.0/drives/${shared.driveId}/root:/Destination/Moving/inside.txt`,
    );
    expect(inside.status).toBe(200);
  });

  it("gives a new file at a moved file's old path an id of its own (resources/driveitem.md: id identifies the item in the drive)", async () => {
    const target = await folder('Id Target');
    const first = await put('same-path.txt', 'first');
    expect((await patch(first.id, { parentReference: { id: target.id } })).status).toBe(200);
    const second = await put('same-path.txt', 'second');
    expect(second.id).not.toBe(first.id);
    const moved = await shared.test.call(`/v1.0/drives/${shared.driveId}/items/${first.id}`);
    expect(moved.json<DriveItem>().parentReference.id).toBe(target.id);
  });

  it('refuses to move a folder into itself', async () => {
    const outer = await folder('Outer');
    const inner = await folder('Inner', 'Outer');
    const response = await patch(outer.id, { parentReference: { id: inner.id } });
    expect(response.status).toBe(400);
  });

  it('refuses another drive ("Items cannot be moved between Drives using this request.")', async () => {
    const file = await put('stay.txt', 'stay');
    const response = await patch(file.id, { parentReference: { driveId: 'b!other', id: 'x' } });
    expect(response.status).toBe(400);
  });

  it('refuses a parentReference property itemReference does not declare (metadata: ComplexType itemReference)', async () => {
    const file = await put('typed-move.txt', 'x');
    const response = await patch(file.id, { parentReference: { folderId: 'x' } });
    expect(response.status).toBe(400);
    expect(response.json<GraphErrorBody>().error.code).toBe('BadRequest');
  });
});

describe('fileSystemInfo and If-Match on PATCH', () => {
  it('sets fileSystemInfo (resources/filesysteminfo.md: "These properties are read/write.")', async () => {
    const file = await put('times.txt', 'times');
    const fileSystemInfo = {
      createdDateTime: '2023-01-02T03:04:05Z',
      lastModifiedDateTime: '2023-06-07T08:09:10Z',
    };
    const response = await patch(file.id, { fileSystemInfo });
    expect(response.status).toBe(200);
    expect(response.json<DriveItem>().fileSystemInfo).toEqual(fileSystemInfo);
  });

  it('answers a stale If-Match with 412 and changes nothing (driveitem-update.md, request headers)', async () => {
    const file = await put('guarded.txt', 'v1');
    expect((await patch(file.id, { name: 'guarded-2.txt' })).status).toBe(200);
    const stale = await patch(file.id, { name: 'guarded-3.txt' }, { 'if-match': file.eTag });
    expect(stale.status).toBe(412);
    expect(await exists(onDisk('guarded-2.txt'))).toBe(true);
  });
});
