// Graph contract: the names and paths SharePoint refuses, as "Restrictions and limitations in
// OneDrive and SharePoint" lists them
// (https://support.microsoft.com/office/64883a5d-228e-48f5-b3d2-eb39e07630fa), and every name it
// accepts working end to end, including names the emulator's disk cannot hold as they are.

import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestEmulator } from '../emulator-client.ts';
import type { TestEmulator } from '../emulator-client.ts';
import { useSharedEmulator } from './shared-emulator.ts';

const RESTRICTIONS_PAGE = 'support.microsoft.com/office/64883a5d-228e-48f5-b3d2-eb39e07630fa';
/** The default library's decoded server-relative path, the start of every item's path. */
const LIBRARY_PATH = '/sites/SiteOffice/Documents/';

const shared = useSharedEmulator();

function encodePath(itemPath: string): string {
  return itemPath.split('/').map(encodeURIComponent).join('/');
}

function put(test: TestEmulator, driveId: string, itemPath: string, body: string) {
  return test.call(`/v1.0/drives/${driveId}/root:/${encodePath(itemPath)}:/content`, {
    method: 'PUT',
    body,
  });
}

function createFolder(parentPath: string, name: string) {
  const address = parentPath === '' ? 'root' : `root:/${encodePath(parentPath)}:`;
  return shared.test.call(`/v1.0/drives/${shared.driveId}/${address}/children`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, folder: {} }),
  });
}

interface GraphErrorBody {
  error: { code: string; message: string; innerError: { code?: string } };
}

/** The bytes of a file, following GET content's redirect when the emulator sends one. */
async function download(test: TestEmulator, driveId: string, itemId: string): Promise<string> {
  const response = await test.call(`/v1.0/drives/${driveId}/items/${itemId}/content`);
  if (response.status === 302) {
    const location = String(response.headers['location']);
    return (await test.call(location, { auth: false })).text;
  }
  expect(response.status).toBe(200);
  return response.text;
}

describe(`names SharePoint refuses (${RESTRICTIONS_PAGE}, "Invalid file or folder names")`, () => {
  it('refuses the characters " * : < > ? \\ | and leading or trailing spaces with 400 invalidRequest (inner invalidPath; concepts/errors.md)', async () => {
    const names = ['a"b', 'a*b', 'a:b', 'a<b', 'a>b', 'a?b', 'a\\b', 'a|b', ' lead', 'trail.txt '];
    for (const name of names) {
      const response = await put(shared.test, shared.driveId, name, 'x');
      const body = response.json<GraphErrorBody>();
      expect(response.status, name).toBe(400);
      expect(body.error.code, name).toBe('invalidRequest');
      expect(body.error.innerError.code, name).toBe('invalidPath');
    }
  });

  it('refuses .lock, CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9 and desktop.ini, in any case, for files and folders', async () => {
    const reserved = [
      '.lock',
      'CON',
      'prn',
      'Aux',
      'NUL',
      'COM0',
      'com9',
      'LPT0',
      'lpt9',
      'desktop.ini',
      'Desktop.INI',
    ];
    for (const name of reserved) {
      expect((await put(shared.test, shared.driveId, name, 'x')).status, name).toBe(400);
      expect((await createFolder('', name)).status, name).toBe(400);
    }
  });

  it('refuses "_vti_" anywhere in a name and "~$" at its start (https://github.com/OneDrive/onedrive-api-docs/issues/1653)', async () => {
    for (const name of ['a_vti_b.txt', '_VTI_cnf', '~$report.docx']) {
      const response = await put(shared.test, shared.driveId, name, 'x');
      expect(response.status, name).toBe(400);
      expect(response.json<GraphErrorBody>().error.code).toBe('invalidRequest');
    }
  });

  it('refuses a folder "forms" at the root of a library and a folder starting with "~", but not such files or deeper folders', async () => {
    expect((await createFolder('', 'Forms')).status).toBe(400);
    expect((await put(shared.test, shared.driveId, 'forms/inside.txt', 'x')).status).toBe(400);
    expect((await createFolder('', '~drafts')).status).toBe(400);
    expect((await createFolder('', 'Site')).status).toBe(201);
    expect((await createFolder('Site', 'forms')).status).toBe(201);
    expect((await put(shared.test, shared.driveId, 'forms', 'x')).status).toBe(201);
    expect((await put(shared.test, shared.driveId, '~drafts.txt', 'x')).status).toBe(201);
  });

  it('refuses a createUploadSession for a refused name before any byte is sent', async () => {
    const response = await shared.test.call(
      `/v1.0/drives/${shared.driveId}/root:/CON:/createUploadSession`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
    );
    expect(response.status).toBe(400);
    expect(response.json<GraphErrorBody>().error.innerError.code).toBe('invalidPath');
  });
});

describe(`path length (${RESTRICTIONS_PAGE}, "File name and path lengths": at most 400 characters, decoded)`, () => {
  it('accepts a decoded path of exactly 400 characters and refuses 401 with 400 invalidRequest (inner pathIsTooLong)', async () => {
    const folder = 'é'.repeat(100);
    expect((await createFolder('', folder)).status).toBe(201);
    const nameFor = (total: number): string =>
      'n'.repeat(total - `${LIBRARY_PATH}${folder}/`.length - '.txt'.length) + '.txt';
    const fits = await put(shared.test, shared.driveId, `${folder}/${nameFor(400)}`, 'fits');
    expect(fits.status).toBe(201);
    const tooLong = await put(shared.test, shared.driveId, `${folder}/${nameFor(401)}`, 'long');
    expect(tooLong.status).toBe(400);
    expect(tooLong.json<GraphErrorBody>().error.innerError.code).toBe('pathIsTooLong');
  });
});

describe('names the disk cannot hold as they are (docs/graph-emulator.md, "Disk layout and restarts")', () => {
  it('stores a name of more than 255 UTF-8 bytes under an escaped disk name, and lists, downloads, restarts with and deletes it by its real name', async () => {
    const name = `${'報告書'.repeat(40)}.pdf`;
    expect(Buffer.byteLength(name)).toBeGreaterThan(255);
    const first = await startTestEmulator();
    let test = first;
    try {
      const driveId = await test.driveId();
      const created = await put(test, driveId, `Long/${name}`, 'long name bytes');
      expect(created.status).toBe(201);
      const item = created.json<{ id: string; name: string; size: number }>();
      expect(item).toMatchObject({ name, size: 15 });

      const onDisk = await readdir(path.join(test.rootDir, 'Documents', 'Long'));
      expect(onDisk).toHaveLength(1);
      expect(Buffer.byteLength(onDisk[0] ?? '')).toBeLessThanOrEqual(255);
      expect(onDisk[0]).toMatch(/~[0-9a-f]{16}\.pdf$/);

      const children = await test.call(`/v1.0/drives/${driveId}/root:/Long:/children`);
      expect(children.json<{ value: Array<{ name: string }> }>().value.map((c) => c.name)).toEqual([
        name,
      ]);
      expect(await download(test, driveId, item.id)).toBe('long name bytes');

      await test.emulator.close();
      test = await startTestEmulator({}, test.rootDir);
      const again = await test.call(
        `/v1.0/drives/${driveId}/root:/Long/${encodeURIComponent(name)}`,
      );
      expect(again.status).toBe(200);
      expect(again.json()).toMatchObject({ name, size: 15 });

      expect(
        (await test.call(`/v1.0/drives/${driveId}/items/${item.id}`, { method: 'DELETE' })).status,
      ).toBe(204);
      expect(await readdir(path.join(test.rootDir, 'Documents', 'Long'))).toEqual([]);
    } finally {
      if (test !== first) await test.close();
      await first.close();
    }
  });

  it('leaves nothing behind when storing the bytes fails (no phantom item in listings)', async () => {
    expect((await createFolder('', 'Broken')).status).toBe(201);
    // Behind the emulator's back, the folder's directory becomes a file: the store must fail.
    const directory = path.join(shared.test.rootDir, 'Documents', 'Broken');
    await rm(directory, { recursive: true });
    await writeFile(directory, 'not a directory');
    const failed = await put(shared.test, shared.driveId, 'Broken/lost.txt', 'lost');
    expect(failed.status).toBe(500);
    const missing = await shared.test.call(`/v1.0/drives/${shared.driveId}/root:/Broken/lost.txt`);
    expect(missing.status).toBe(404);
    const children = await shared.test.call(
      `/v1.0/drives/${shared.driveId}/root:/Broken:/children`,
    );
    expect(children.json<{ value: unknown[] }>().value).toEqual([]);
  });
});
