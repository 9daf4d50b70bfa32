import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quickXorHash } from '../../../../src/shared/quick-xor-hash.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { startTestEmulator } from './emulator-client.ts';
import type { TestEmulator } from './emulator-client.ts';

interface DriveItem {
  id: string;
  name: string;
  size: number;
  webUrl: string;
  eTag: string;
  cTag?: string;
  parentReference: { driveId: string; id: string; path: string };
  file?: { mimeType: string; hashes: { quickXorHash: string } };
  folder?: { childCount: number };
}

let test: TestEmulator;
let driveId: string;

beforeEach(async () => {
  test = await startTestEmulator();
  driveId = await test.driveId();
});

afterEach(async () => {
  await test.close();
});

function createFolder(parentPath: string, name: string, conflictBehavior?: string) {
  const address = parentPath === '' ? 'root' : `root:/${parentPath}:`;
  return test.call(`/v1.0/drives/${driveId}/${address}/children`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      folder: {},
      ...(conflictBehavior ? { '@microsoft.graph.conflictBehavior': conflictBehavior } : {}),
    }),
  });
}

function putContent(itemPath: string, body: Buffer | string, query = '') {
  const encoded = itemPath.split('/').map(encodeURIComponent).join('/');
  return test.call(`/v1.0/drives/${driveId}/root:/${encoded}:/content${query}`, {
    method: 'PUT',
    body,
  });
}

describe('graph emulator sites, drives and items', () => {
  it('finds the site by hostname and path, and its Documents library', async () => {
    const site = await test.call('/v1.0/sites/contoso.sharepoint.com:/sites/SiteOffice');
    const siteJson = site.json<{ id: string; webUrl: string; displayName: string }>();
    expect(siteJson.id).toMatch(/^contoso\.sharepoint\.com,[0-9a-f-]{36},[0-9a-f-]{36}$/);
    expect(siteJson.webUrl).toBe('https://contoso.sharepoint.com/sites/SiteOffice');
    const drives = await test.call(`/v1.0/sites/${encodeURIComponent(siteJson.id)}/drives`);
    expect(drives.json<{ value: Array<Record<string, string>> }>().value).toEqual([
      expect.objectContaining({ name: 'Documents', driveType: 'documentLibrary', id: driveId }),
    ]);
    const unknown = await test.call('/v1.0/sites/contoso.sharepoint.com:/sites/Nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'itemNotFound' } });
  });

  it('echoes client-request-id, sends a request-id, and puts both in error bodies', async () => {
    const response = await test.call(`/v1.0/drives/${driveId}/root:/missing.pdf`, {
      headers: { 'client-request-id': 'abc-123' },
    });
    expect(response.status).toBe(404);
    expect(response.headers['client-request-id']).toBe('abc-123');
    expect(response.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.json()).toMatchObject({
      error: {
        code: 'itemNotFound',
        innerError: {
          'client-request-id': 'abc-123',
          'request-id': response.headers['request-id'],
        },
      },
    });
  });

  it('creates a folder with 201 and refuses a second one with 409 nameAlreadyExists under fail', async () => {
    const first = await createFolder('', 'Requests', 'fail');
    expect(first.status).toBe(201);
    expect(first.json<DriveItem>()).toMatchObject({ name: 'Requests', folder: { childCount: 0 } });
    const second = await createFolder('', 'requests', 'fail');
    expect(second.status).toBe(409);
    expect(second.json()).toMatchObject({ error: { code: 'nameAlreadyExists' } });
    const renamed = await createFolder('', 'Requests', 'rename');
    expect(renamed.json<DriveItem>().name).toBe('Requests 1');
    expect((await stat(path.join(test.rootDir, 'Documents', 'Requests 1'))).isDirectory()).toBe(
      true,
    );
  });

  it('stores a simple upload byte for byte on disk and reports its quickXorHash', async () => {
    const bytes = randomBytes(200_000);
    const response = await putContent('Site A/2024/scan 1.pdf', bytes);
    const item = response.json<DriveItem>();
    expect(response.status).toBe(201);
    expect(item.size).toBe(bytes.length);
    expect(item.file).toEqual({
      mimeType: 'application/pdf',
      hashes: { quickXorHash: quickXorHash(bytes) },
    });
    expect(item.webUrl).toBe(
      'https://contoso.sharepoint.com/sites/SiteOffice/Documents/Site%20A/2024/scan%201.pdf',
    );
    expect(item.parentReference.path).toBe(`/drives/${driveId}/root:/Site A/2024`);
    const onDisk = await readFile(
      path.join(test.rootDir, 'Documents', 'Site A', '2024', 'scan 1.pdf'),
    );
    expect(onDisk.equals(bytes)).toBe(true);
    const byPath = await test.call(`/v1.0/drives/${driveId}/root:/Site%20A/2024/scan%201.pdf`);
    expect(byPath.json<DriveItem>().id).toBe(item.id);
    const byId = await test.call(`/v1.0/drives/${driveId}/items/${item.id}?$select=id,size`);
    expect(byId.json()).toEqual({ id: item.id, size: bytes.length });
  });

  it('replaces by default, keeping the item id, and honours fail and rename', async () => {
    const created = (await putContent('report.json', '{"v":1}')).json<DriveItem>();
    const replaced = await putContent('report.json', '{"v":2}');
    expect(replaced.status).toBe(200);
    expect(replaced.json<DriveItem>()).toMatchObject({ id: created.id, size: 7 });
    expect(replaced.json<DriveItem>().cTag).not.toBe(created.cTag);
    const failed = await putContent('report.json', 'x', '?@microsoft.graph.conflictBehavior=fail');
    expect(failed.status).toBe(409);
    const renamed = await putContent(
      'report.json',
      'y',
      '?@microsoft.graph.conflictBehavior=rename',
    );
    expect(renamed.status).toBe(201);
    expect(renamed.json<DriveItem>().name).toBe('report 1.json');
    expect(await readFile(path.join(test.rootDir, 'Documents', 'report.json'), 'utf8')).toBe(
      '{"v":2}',
    );
  });

  it('uploads by parent id, lists children, and deletes an item from disk', async () => {
    const folder = (await createFolder('', 'Inbox')).json<DriveItem>();
    const upload = await test.call(`/v1.0/drives/${driveId}/items/${folder.id}:/a.txt:/content`, {
      method: 'PUT',
      body: 'hello world',
    });
    const file = upload.json<DriveItem>();
    expect(file.parentReference.id).toBe(folder.id);
    expect(file.file?.hashes.quickXorHash).toBe('aCgDG9jwBhDc4Q1yawMZAAAAAAA=');
    const children = await test.call(`/v1.0/drives/${driveId}/items/${folder.id}/children`);
    expect(children.json<{ value: DriveItem[] }>().value.map((child) => child.name)).toEqual([
      'a.txt',
    ]);
    expect(
      (await test.call(`/v1.0/drives/${driveId}/items/${file.id}`, { method: 'DELETE' })).status,
    ).toBe(204);
    expect((await test.call(`/v1.0/drives/${driveId}/items/${file.id}`)).status).toBe(404);
    await expect(stat(path.join(test.rootDir, 'Documents', 'Inbox', 'a.txt'))).rejects.toThrow(
      /ENOENT/,
    );
  });

  it("serves a file's bytes back from GET content", async () => {
    const bytes = randomBytes(3000);
    const item = (await putContent('back.bin', bytes)).json<DriveItem>();
    const redirect = await test.call(`/v1.0/drives/${driveId}/items/${item.id}/content`);
    expect(redirect.status).toBe(302);
    const download = await test.call(String(redirect.headers.location));
    expect(download.status).toBe(200);
    expect(download.bytes.equals(bytes)).toBe(true);
  });

  it('rejects names SharePoint does not allow', async () => {
    const response = await putContent('bad:name?.txt', 'x');
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'invalidRequest' } });
  });

  it('reads and patches list item fields, and names an unknown column in a 400', async () => {
    const file = (await putContent('req.json', '{}')).json<DriveItem>();
    const fieldsUrl = `/v1.0/drives/${driveId}/items/${file.id}/listItem/fields`;
    const patched = await test.call(fieldsUrl, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Title: 'Request 7', RequestId: 'R-7', DeviceId: 'D-1' }),
    });
    expect(patched.status).toBe(200);
    expect(patched.json()).toMatchObject({
      Title: 'Request 7',
      RequestId: 'R-7',
      DeviceId: 'D-1',
      FileLeafRef: 'req.json',
    });
    expect((await test.call(fieldsUrl)).json()).toMatchObject({ RequestId: 'R-7' });
    const unknown = await test.call(fieldsUrl, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Title: 'x', Colour: 'red' }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toMatchObject({
      error: { code: 'invalidRequest', message: expect.stringContaining("'Colour'") as unknown },
    });
    expect((await test.call(fieldsUrl)).json()).toMatchObject({ Title: 'Request 7' });
    const columns = await test.call(`/v1.0/drives/${driveId}/list/columns`);
    expect(
      columns
        .json<{ value: Array<{ name: string; readOnly: boolean }> }>()
        .value.filter((column) => !column.readOnly)
        .map((column) => column.name),
    ).toEqual(['Title', 'RequestId', 'DeviceId']);
  });

  it('stores small and large simple uploads whole and leaves no temp file behind, refused or not', async () => {
    // 1 KiB is gathered in memory and written at once; 600 KiB is streamed to its temp file.
    for (const [name, bytes] of [
      ['small.bin', randomBytes(1024)],
      ['large.bin', randomBytes(600 * 1024)],
    ] as const) {
      const item = (await putContent(`sizes/${name}`, bytes)).json<DriveItem>();
      expect(item.file?.hashes.quickXorHash).toBe(quickXorHash(bytes));
      expect(
        (await readFile(path.join(test.rootDir, 'Documents', 'sizes', name))).equals(bytes),
      ).toBe(true);
    }
    // Refused after its body was received (409 under fail): its temp file is removed too.
    const refused = await putContent(
      'sizes/small.bin',
      randomBytes(10),
      '?@microsoft.graph.conflictBehavior=fail',
    );
    expect(refused.status).toBe(409);
    expect(await readdir(path.join(test.rootDir, '.graph-emulator-tmp'))).toEqual([]);
  });

  it('keeps nothing of a small upload whose connection drops midway', async () => {
    test.emulator.faults.add({ method: 'PUT', resetAfterBytes: 50_000, times: 1 });
    await expect(putContent('dropped.bin', randomBytes(100_000))).rejects.toThrow();
    expect((await test.call(`/v1.0/drives/${driveId}/root:/dropped.bin`)).status).toBe(404);
    await waitFor(
      async () => (await readdir(path.join(test.rootDir, '.graph-emulator-tmp'))).length === 0,
    );
  });

  it("stores an upload into a folder whose directory was removed behind the emulator's back", async () => {
    await putContent('gone/first.txt', 'first');
    await rm(path.join(test.rootDir, 'Documents', 'gone'), { recursive: true });
    const second = await putContent('gone/second.txt', 'second');
    expect(second.status).toBe(201);
    expect(await readFile(path.join(test.rootDir, 'Documents', 'gone', 'second.txt'), 'utf8')).toBe(
      'second',
    );
  });

  it('serves files already on disk after a restart on the same root directory', async () => {
    const uploaded = (await putContent('kept/old.txt', 'kept bytes')).json<DriveItem>();
    await mkdir(path.join(test.rootDir, 'Documents', 'dropped'), { recursive: true });
    await writeFile(path.join(test.rootDir, 'Documents', 'dropped', 'new.txt'), 'hello world');
    await test.emulator.close();
    const restarted = await startTestEmulator({}, test.rootDir);
    try {
      const drive = await restarted.driveId();
      expect(drive).toBe(driveId);
      const kept = await restarted.call(`/v1.0/drives/${drive}/root:/kept/old.txt`);
      expect(kept.json<DriveItem>()).toMatchObject({ id: uploaded.id, size: 10 });
      const dropped = await restarted.call(`/v1.0/drives/${drive}/root:/dropped/new.txt`);
      expect(dropped.json<DriveItem>().file?.hashes.quickXorHash).toBe(
        'aCgDG9jwBhDc4Q1yawMZAAAAAAA=',
      );
    } finally {
      await restarted.close();
    }
  });
});

describe('graph emulator Office document rewriting', () => {
  it('changes the stored bytes of .docx files, but not of other files', async () => {
    const office = await startTestEmulator({ modifyOfficeDocuments: true });
    try {
      const drive = await office.driveId();
      const bytes = randomBytes(5000);
      const docx = (
        await office.call(`/v1.0/drives/${drive}/root:/letter.docx:/content`, {
          method: 'PUT',
          body: bytes,
        })
      ).json<DriveItem>();
      const stored = await readFile(path.join(office.rootDir, 'Documents', 'letter.docx'));
      expect(docx.size).toBeGreaterThan(bytes.length);
      expect(docx.size).toBe(stored.length);
      expect(docx.file?.hashes.quickXorHash).toBe(quickXorHash(stored));
      expect(docx.file?.hashes.quickXorHash).not.toBe(quickXorHash(bytes));
      const pdf = (
        await office.call(`/v1.0/drives/${drive}/root:/scan.pdf:/content`, {
          method: 'PUT',
          body: bytes,
        })
      ).json<DriveItem>();
      expect(pdf.file?.hashes.quickXorHash).toBe(quickXorHash(bytes));
    } finally {
      await office.close();
    }
  });
});
