// Graph contract: Microsoft's own Graph SDK (@microsoft/microsoft-graph-client) uploads through
// the emulator with its upload tasks, over HTTPS, unchanged: OneDriveLargeFileUploadTask and
// LargeFileUploadTask, as "Upload large files using the Microsoft Graph SDKs"
// (concepts/sdks/large-file-upload.md) shows them. The SDK attaches its token only to Graph and
// customHosts, so the upload URL on the SharePoint host gets none, as the service requires.

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import {
  Client,
  FileUpload,
  LargeFileUploadTask,
  OneDriveLargeFileUploadTask,
} from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickXorHash } from '../../../../../src/shared/quick-xor-hash.ts';
import { useSharedEmulator } from './shared-emulator.ts';

const shared = useSharedEmulator();
let client: Client;
let defaultCertificates: string[];

beforeAll(async () => {
  defaultCertificates = tls.getCACertificates('default');
  // The SDK sends with global fetch, which trusts the process's default CA list.
  tls.setDefaultCACertificates([...defaultCertificates, shared.test.emulator.caCertificatePem]);
  const token = await shared.test.token();
  client = Client.init({
    baseUrl: `${shared.test.emulator.authorityHost}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(shared.test.emulator.authorityHost).hostname]),
    authProvider: (done) => done(null, token),
  });
});

afterAll(() => {
  tls.setDefaultCACertificates(defaultCertificates);
});

interface DriveItem {
  id: string;
  name: string;
  size: number;
  file: { hashes: { quickXorHash: string } };
  fileSystemInfo: { lastModifiedDateTime: string };
}

describe('Microsoft Graph SDK upload tasks (concepts/sdks/large-file-upload.md)', () => {
  it('OneDriveLargeFileUploadTask uploads a 10 MiB file in 3 MiB ranges, byte-identical', async () => {
    const bytes = randomBytes(10 * 1024 * 1024 + 12_345);
    const name = 'sdk-onedrive-task.bin';
    const task = await OneDriveLargeFileUploadTask.createTaskWithFileObject(
      client,
      new FileUpload(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
        name,
        bytes.length,
      ),
      {
        fileName: name,
        conflictBehavior: 'fail',
        rangeSize: 10 * 327_680,
        uploadSessionURL: `${shared.test.emulator.graphBaseUrl}/drives/${shared.driveId}/root:/SDK/${name}:/createUploadSession`,
      },
    );
    const result = await task.upload();
    const item = result.responseBody as DriveItem;
    expect(item).toMatchObject({ name, size: bytes.length });
    expect(item.file.hashes.quickXorHash).toBe(quickXorHash(bytes));
    const stored = await readFile(path.join(shared.test.rootDir, 'Documents', 'SDK', name));
    expect(stored.equals(bytes)).toBe(true);
  });

  it('LargeFileUploadTask uploads with a createUploadSession payload of its own (item.fileSystemInfo), byte-identical', async () => {
    const bytes = randomBytes(4 * 327_680 + 1);
    const name = 'sdk-generic-task.bin';
    const session = await LargeFileUploadTask.createUploadSession(
      client,
      `${shared.test.emulator.graphBaseUrl}/drives/${shared.driveId}/root:/SDK/${name}:/createUploadSession`,
      {
        item: {
          '@microsoft.graph.conflictBehavior': 'replace',
          fileSystemInfo: { lastModifiedDateTime: '2024-02-03T04:05:06Z' },
        },
      },
    );
    const task = new LargeFileUploadTask(
      client,
      new FileUpload(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
        name,
        bytes.length,
      ),
      session,
      { rangeSize: 2 * 327_680 },
    );
    const result = await task.upload();
    const item = result.responseBody as DriveItem;
    expect(item).toMatchObject({
      name,
      size: bytes.length,
      fileSystemInfo: { lastModifiedDateTime: '2024-02-03T04:05:06Z' },
    });
    expect(item.file.hashes.quickXorHash).toBe(quickXorHash(bytes));
    const stored = await readFile(path.join(shared.test.rootDir, 'Documents', 'SDK', name));
    expect(stored.equals(bytes)).toBe(true);
  });

  it('the SDK never sent its token to the upload URL (driveitem-createuploadsession.md, "Remarks")', () => {
    const uploads = shared.test.emulator.requestLog.filter((record) =>
      record.path.startsWith('/_upload/'),
    );
    expect(uploads.length).toBeGreaterThanOrEqual(6);
    expect(
      uploads.every(
        (record) => record.status === 202 || record.status === 201 || record.status === 200,
      ),
    ).toBe(true);
  });
});
