// Graph contract: deferCommit on createUploadSession
// (api-reference/v1.0/api/driveitem-createuploadsession.md, "Completing a file").

import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickXorHash } from '../../../../../src/shared/quick-xor-hash.ts';
import { FRAGMENT_MULTIPLE_BYTES } from '../../../../../tools/graph-emulator/index.ts';
import { useSharedEmulator } from './shared-emulator.ts';

const shared = useSharedEmulator();

async function openSession(name: string, deferCommit: boolean): Promise<string> {
  const response = await shared.test.call(
    `/v1.0/drives/${shared.driveId}/root:/${name}:/createUploadSession`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': 'fail' }, deferCommit }),
    },
  );
  expect(response.status).toBe(200);
  return response.json<{ uploadUrl: string }>().uploadUrl;
}

function putRange(uploadUrl: string, bytes: Buffer, start: number, end: number) {
  return shared.test.call(uploadUrl, {
    method: 'PUT',
    headers: { 'content-range': `bytes ${start}-${end - 1}/${bytes.length}` },
    body: bytes.subarray(start, end),
  });
}

function commit(uploadUrl: string, body = '') {
  return shared.test.call(uploadUrl, { method: 'POST', body });
}

async function isOnDisk(name: string): Promise<boolean> {
  return access(path.join(shared.test.rootDir, 'Documents', name)).then(
    () => true,
    () => false,
  );
}

describe('deferCommit: true (api-reference/v1.0/api/driveitem-createuploadsession.md, "Completing a file")', () => {
  it('does not create the file with the last byte range; a POST with zero-length content does (201 with the driveItem)', async () => {
    const bytes = randomBytes(FRAGMENT_MULTIPLE_BYTES + 100);
    const uploadUrl = await openSession('deferred.bin', true);
    expect((await putRange(uploadUrl, bytes, 0, FRAGMENT_MULTIPLE_BYTES)).status).toBe(202);
    const last = await putRange(uploadUrl, bytes, FRAGMENT_MULTIPLE_BYTES, bytes.length);
    expect(last.status).toBe(202);
    expect(last.json()).toMatchObject({ nextExpectedRanges: [] });
    expect(
      (await shared.test.call(`/v1.0/drives/${shared.driveId}/root:/deferred.bin`)).status,
    ).toBe(404);
    expect(await isOnDisk('deferred.bin')).toBe(false);

    const committed = await commit(uploadUrl);
    expect(committed.status).toBe(201);
    expect(committed.json()).toMatchObject({
      name: 'deferred.bin',
      size: bytes.length,
      file: { hashes: { quickXorHash: quickXorHash(bytes) } },
    });
    expect(await isOnDisk('deferred.bin')).toBe(true);
    expect((await shared.test.call(uploadUrl)).status).toBe(404);
  });

  it('refuses the completing POST before every byte range is in with 400 (inner uploadSessionIncomplete, concepts/errors.md)', async () => {
    const bytes = randomBytes(FRAGMENT_MULTIPLE_BYTES + 1);
    const uploadUrl = await openSession('early.bin', true);
    expect((await putRange(uploadUrl, bytes, 0, FRAGMENT_MULTIPLE_BYTES)).status).toBe(202);
    const early = await commit(uploadUrl);
    expect(early.status).toBe(400);
    expect(early.json()).toMatchObject({
      error: { innerError: { code: 'uploadSessionIncomplete' } },
    });
    expect(await isOnDisk('early.bin')).toBe(false);
  });

  it('refuses a completing POST that has content', async () => {
    const bytes = randomBytes(10);
    const uploadUrl = await openSession('with-body.bin', true);
    expect((await putRange(uploadUrl, bytes, 0, bytes.length)).status).toBe(202);
    expect((await commit(uploadUrl, '{}')).status).toBe(400);
    expect((await commit(uploadUrl)).status).toBe(201);
  });

  it('completes a session without deferCommit with its last byte range, and answers POST there with 405', async () => {
    const bytes = randomBytes(10);
    const uploadUrl = await openSession('not-deferred.bin', false);
    expect((await commit(uploadUrl)).status).toBe(405);
    expect((await putRange(uploadUrl, bytes, 0, bytes.length)).status).toBe(201);
  });
});
