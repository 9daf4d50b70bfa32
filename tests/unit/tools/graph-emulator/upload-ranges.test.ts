import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { quickXorHash } from '../../../../src/shared/quick-xor-hash.ts';
import { FRAGMENT_MULTIPLE_BYTES } from '../../../../tools/graph-emulator/index.ts';
import { usePerTestEmulator } from './emulator-client.ts';

interface UploadStatus {
  uploadUrl: string;
  nextExpectedRanges: string[];
}

const page = 'driveitem-createuploadsession.md';
const emulator = usePerTestEmulator();
const fragment = FRAGMENT_MULTIPLE_BYTES;

async function createSession(name: string): Promise<string> {
  const { test, driveId } = emulator;
  const response = await test.call(`/v1.0/drives/${driveId}/root:/${name}:/createUploadSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  return response.json<UploadStatus>().uploadUrl;
}

function put(uploadUrl: string, bytes: Buffer, start: number, end: number) {
  return emulator.test.call(uploadUrl, {
    method: 'PUT',
    headers: { 'content-range': `bytes ${start}-${end}/${bytes.length}` },
    body: bytes.subarray(start, end + 1),
  });
}

describe(`upload sessions with several missing ranges (${page})`, () => {
  it(`${page}: a lost fragment shows as a gap, "parts of the file that the server hasn't yet received", and is sent again first`, async () => {
    const bytes = randomBytes(4 * fragment + 1000);
    const total = bytes.length;
    const url = await createSession('gaps.bin');
    expect((await put(url, bytes, 0, fragment - 1)).status).toBe(202);
    emulator.test.emulator.faults.add({
      path: '/_upload/',
      method: 'PUT',
      loseFragment: true,
      times: 1,
    });
    // Acknowledged as usual: the loss shows only afterwards.
    const lost = await put(url, bytes, fragment, 2 * fragment - 1);
    expect(lost.status).toBe(202);
    expect(lost.json<UploadStatus>().nextExpectedRanges).toEqual([`${2 * fragment}-`]);
    const after = await put(url, bytes, 2 * fragment, 3 * fragment - 1);
    expect(after.status).toBe(202);
    // Two ranges, as in the page's example ["12345-55232", "77829-99375"].
    expect(after.json<UploadStatus>().nextExpectedRanges).toEqual([
      `${fragment}-${2 * fragment - 1}`,
      `${3 * fragment}-`,
    ]);
    const status = await emulator.test.call(url);
    expect(status.json<UploadStatus>().nextExpectedRanges).toEqual([
      `${fragment}-${2 * fragment - 1}`,
      `${3 * fragment}-`,
    ]);
    // Anywhere but the start of a missing range is still out of order; held bytes overlap.
    const inside = await put(url, bytes, fragment + FRAGMENT_MULTIPLE_BYTES / 2, 2 * fragment - 1);
    expect(inside.status).toBe(416);
    expect(inside.json()).toMatchObject({ error: { innerError: { code: 'fragmentOutOfOrder' } } });
    expect((await put(url, bytes, 0, fragment - 1)).status).toBe(416);
    // The client sends the first missing range first, then the rest.
    const refilled = await put(url, bytes, fragment, 2 * fragment - 1);
    expect(refilled.status).toBe(202);
    expect(refilled.json<UploadStatus>().nextExpectedRanges).toEqual([`${3 * fragment}-`]);
    const done = await put(url, bytes, 3 * fragment, total - 1);
    expect(done.status).toBe(201);
    const item = done.json<{ size: number; file: { hashes: { quickXorHash: string } } }>();
    expect(item.size).toBe(total);
    expect(item.file.hashes.quickXorHash).toBe(quickXorHash(bytes));
    const stored = await readFile(path.join(emulator.test.rootDir, 'Documents', 'gaps.bin'));
    expect(stored.equals(bytes)).toBe(true);
  });

  it(`${page}: the last byte range does not complete the file while a gap remains`, async () => {
    const bytes = randomBytes(2 * fragment + 10);
    const url = await createSession('tail-first.bin');
    emulator.test.emulator.faults.add({
      path: '/_upload/',
      method: 'PUT',
      loseFragment: true,
      times: 1,
    });
    expect((await put(url, bytes, 0, fragment - 1)).status).toBe(202);
    expect((await put(url, bytes, fragment, 2 * fragment - 1)).status).toBe(202);
    const last = await put(url, bytes, 2 * fragment, bytes.length - 1);
    expect(last.status).toBe(202);
    expect(last.json<UploadStatus>().nextExpectedRanges).toEqual([`0-${fragment - 1}`]);
    const done = await put(url, bytes, 0, fragment - 1);
    expect(done.status).toBe(201);
    expect(
      done.json<{ file: { hashes: { quickXorHash: string } } }>().file.hashes.quickXorHash,
    ).toBe(quickXorHash(bytes));
  });
});
