// Graph contract: the size limits Microsoft documents for simple uploads and upload-session
// fragments, at their exact boundaries.

import { describe, expect, it } from 'vitest';
import {
  FRAGMENT_MULTIPLE_BYTES,
  MAX_FRAGMENT_BYTES,
  MAX_SIMPLE_UPLOAD_BYTES,
} from '../../../../../tools/graph-emulator/index.ts';
import { useSharedEmulator } from './shared-emulator.ts';

const shared = useSharedEmulator();

async function openSession(name: string): Promise<string> {
  const response = await shared.test.call(
    `/v1.0/drives/${shared.driveId}/root:/${name}:/createUploadSession`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
  );
  expect(response.status).toBe(200);
  return response.json<{ uploadUrl: string }>().uploadUrl;
}

describe('upload session fragments (api-reference/v1.0/api/driveitem-createuploadsession.md: "less than 60 MiB")', () => {
  it('refuses a fragment of exactly 60 MiB (62,914,560 bytes) with 413 and a sentence', async () => {
    expect(MAX_FRAGMENT_BYTES).toBe(62_914_560);
    const uploadUrl = await openSession('sixty.bin');
    const response = await shared.test.call(uploadUrl, {
      method: 'PUT',
      headers: { 'content-range': `bytes 0-${MAX_FRAGMENT_BYTES - 1}/${MAX_FRAGMENT_BYTES}` },
      body: Buffer.alloc(MAX_FRAGMENT_BYTES),
    });
    expect(response.status).toBe(413);
    expect(response.json<{ error: { message: string } }>().error.message).toBe(
      'Each fragment must be less than 60 MiB (62,914,560 bytes); this one has 62914560 bytes.',
    );
  });

  it('accepts the largest fragment under 60 MiB that is a multiple of 320 KiB', async () => {
    const length = MAX_FRAGMENT_BYTES - FRAGMENT_MULTIPLE_BYTES;
    const uploadUrl = await openSession('under-sixty.bin');
    const response = await shared.test.call(uploadUrl, {
      method: 'PUT',
      headers: { 'content-range': `bytes 0-${length - 1}/${length + 1}` },
      body: Buffer.alloc(length),
    });
    expect(response.status).toBe(202);
    expect(response.json()).toMatchObject({ nextExpectedRanges: [`${length}-`] });
    expect((await shared.test.call(uploadUrl, { method: 'DELETE' })).status).toBe(204);
  });
});

describe('quota (api-reference/v1.0/api/driveitem-createuploadsession.md, "If the fileSize parameter is specified and exceeds the available quota, a 507 …")', () => {
  it('refuses createUploadSession with 507 quotaLimitReached when item.fileSize exceeds the remaining quota, and creates no session', async () => {
    const drive = await shared.test.call(`/v1.0/drives/${shared.driveId}`);
    const { remaining } = drive.json<{ quota: { remaining: number } }>().quota;
    const session = (fileSize: number) =>
      shared.test.call(`/v1.0/drives/${shared.driveId}/root:/huge.bin:/createUploadSession`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ item: { fileSize } }),
      });
    const refused = await session(remaining + 1);
    expect(refused.status).toBe(507);
    expect(refused.json()).toMatchObject({ error: { code: 'quotaLimitReached' } });
    expect((await session(remaining)).status).toBe(200);
  });
});

describe('simple upload (api-reference/v1.0/api/driveitem-put-content.md: "only supports files up to 250 MB in size")', () => {
  it('takes 250 MB as 250,000,000 bytes and refuses a declared body of one byte more with 413', async () => {
    expect(MAX_SIMPLE_UPLOAD_BYTES).toBe(250_000_000);
    const response = await shared.test.call(
      `/v1.0/drives/${shared.driveId}/root:/too-big.bin:/content`,
      { method: 'PUT', headers: { 'content-length': '250000001' }, body: Buffer.alloc(0) },
    );
    expect(response.status).toBe(413);
    expect(response.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'invalidRequest',
      message:
        'Simple upload is limited to 250 MB (250,000,000 bytes); use an upload session for larger files.',
    });
  });
});
