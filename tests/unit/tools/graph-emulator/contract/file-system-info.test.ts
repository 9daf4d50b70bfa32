// Graph contract: fileSystemInfo, the client's times of a file
// (api-reference/v1.0/resources/filesysteminfo.md, resources/driveitemuploadableproperties.md).

import { describe, expect, it } from 'vitest';
import { useSharedEmulator } from './shared-emulator.ts';

const shared = useSharedEmulator();

interface DriveItem {
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  fileSystemInfo: { createdDateTime: string; lastModifiedDateTime: string };
}

const CLIENT_TIMES = {
  createdDateTime: '2024-05-01T08:30:00Z',
  lastModifiedDateTime: '2024-05-02T17:45:10Z',
};

async function uploadInSession(name: string, item: Record<string, unknown>, bytes: string) {
  const created = await shared.test.call(
    `/v1.0/drives/${shared.driveId}/root:/${name}:/createUploadSession`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item }),
    },
  );
  expect(created.status).toBe(200);
  const { uploadUrl } = created.json<{ uploadUrl: string }>();
  return shared.test.call(uploadUrl, {
    method: 'PUT',
    headers: { 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
    body: bytes,
  });
}

function secondsOf(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

describe('fileSystemInfo (api-reference/v1.0/resources/filesysteminfo.md)', () => {
  it("keeps createUploadSession's item.fileSystemInfo and returns it as the driveItem's fileSystemInfo, while createdDateTime and lastModifiedDateTime stay the service's", async () => {
    const startedAt = Date.now();
    const completed = await uploadInSession(
      'dated.txt',
      { '@microsoft.graph.conflictBehavior': 'replace', fileSystemInfo: CLIENT_TIMES },
      'dated',
    );
    expect(completed.status).toBe(201);
    const item = completed.json<DriveItem>();
    expect(item.fileSystemInfo).toEqual(CLIENT_TIMES);
    expect(secondsOf(item.createdDateTime)).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000));
    const fetched = await shared.test.call(`/v1.0/drives/${shared.driveId}/items/${item.id}`);
    expect(fetched.json<DriveItem>().fileSystemInfo).toEqual(CLIENT_TIMES);
  });

  it('gives a simple upload the server time as fileSystemInfo, the client having sent none', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await shared.test.call(
      `/v1.0/drives/${shared.driveId}/root:/server-time.txt:/content`,
      { method: 'PUT', body: 'now' },
    );
    const after = Math.ceil(Date.now() / 1000);
    const { fileSystemInfo, createdDateTime, lastModifiedDateTime } = response.json<DriveItem>();
    expect(fileSystemInfo).toEqual({ createdDateTime, lastModifiedDateTime });
    for (const time of [fileSystemInfo.createdDateTime, fileSystemInfo.lastModifiedDateTime]) {
      expect(secondsOf(time)).toBeGreaterThanOrEqual(before);
      expect(secondsOf(time)).toBeLessThanOrEqual(after);
    }
  });

  it('resets lastModifiedDateTime to the current time when content is replaced without fileSystemInfo, keeping the client created time ("If the file\'s content is updated and these properties are not provided …")', async () => {
    await uploadInSession(
      'replaced.txt',
      { '@microsoft.graph.conflictBehavior': 'replace', fileSystemInfo: CLIENT_TIMES },
      'one',
    );
    const before = Math.floor(Date.now() / 1000);
    const replaced = await shared.test.call(
      `/v1.0/drives/${shared.driveId}/root:/replaced.txt:/content`,
      { method: 'PUT', body: 'two' },
    );
    expect(replaced.status).toBe(200);
    const { fileSystemInfo } = replaced.json<DriveItem>();
    expect(fileSystemInfo.createdDateTime).toBe(CLIENT_TIMES.createdDateTime);
    expect(secondsOf(fileSystemInfo.lastModifiedDateTime)).toBeGreaterThanOrEqual(before);
  });
});
