import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quickXorHash } from '../../../../src/shared/quick-xor-hash.ts';
import { FRAGMENT_MULTIPLE_BYTES } from '../../../../tools/graph-emulator/index.ts';
import { startTestEmulator } from './emulator-client.ts';
import type { TestEmulator } from './emulator-client.ts';

interface UploadSession {
  uploadUrl: string;
  expirationDateTime: string;
  nextExpectedRanges: string[];
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

async function createSession(itemPath: string, conflictBehavior?: string): Promise<UploadSession> {
  const response = await test.call(
    `/v1.0/drives/${driveId}/root:/${itemPath}:/createUploadSession`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        conflictBehavior ? { item: { '@microsoft.graph.conflictBehavior': conflictBehavior } } : {},
      ),
    },
  );
  expect(response.status).toBe(200);
  return response.json<UploadSession>();
}

function putFragment(
  uploadUrl: string,
  bytes: Buffer,
  start: number,
  end: number,
  total: number,
  headers = {},
) {
  return test.call(uploadUrl, {
    method: 'PUT',
    headers: { 'content-range': `bytes ${start}-${end}/${total}`, ...headers },
    body: bytes.subarray(start, end + 1),
  });
}

describe('graph emulator upload sessions', () => {
  it('assembles a 20 MiB file from 320 KiB-multiple fragments, resuming from GET status', async () => {
    const bytes = randomBytes(20 * 1024 * 1024 + 12_345);
    const session = await createSession('Large/archive.bin');
    expect(session.nextExpectedRanges).toEqual(['0-']);
    expect(session.uploadUrl).toContain('/_upload/');
    // On another host than Graph, as real upload URLs (SharePoint host, not graph.microsoft.com).
    expect(new URL(session.uploadUrl).hostname).toBe('localhost');
    expect(new URL(test.emulator.graphBaseUrl).hostname).toBe('127.0.0.1');
    const fragment = 16 * FRAGMENT_MULTIPLE_BYTES;
    let offset = 0;
    let last: Awaited<ReturnType<typeof putFragment>> | undefined;
    while (offset < bytes.length) {
      if (offset > 0) {
        // Resume as a client would after a restart: ask where to continue.
        const status = await test.call(session.uploadUrl);
        expect(status.json<UploadSession>().nextExpectedRanges).toEqual([`${offset}-`]);
      }
      const end = Math.min(offset + fragment, bytes.length) - 1;
      last = await putFragment(session.uploadUrl, bytes, offset, end, bytes.length);
      if (end < bytes.length - 1) {
        expect(last.status).toBe(202);
        expect(last.json<UploadSession>().nextExpectedRanges).toEqual([`${end + 1}-`]);
      }
      offset = end + 1;
    }
    expect(last?.status).toBe(201);
    expect(last?.json()).toMatchObject({
      name: 'archive.bin',
      size: bytes.length,
      file: { hashes: { quickXorHash: quickXorHash(bytes) } },
    });
    const stored = await readFile(path.join(test.rootDir, 'Documents', 'Large', 'archive.bin'));
    expect(stored.equals(bytes)).toBe(true);
    expect((await test.call(session.uploadUrl)).status).toBe(404);
  });

  it('rejects a non-final fragment that is not a multiple of 320 KiB, and accepts any final size', async () => {
    const bytes = randomBytes(2 * FRAGMENT_MULTIPLE_BYTES);
    const session = await createSession('odd.bin');
    const wrong = await putFragment(session.uploadUrl, bytes, 0, 99_999, bytes.length);
    expect(wrong.status).toBe(400);
    expect(wrong.json()).toMatchObject({ error: { code: 'invalidRequest' } });
    expect(
      (await putFragment(session.uploadUrl, bytes, 0, FRAGMENT_MULTIPLE_BYTES - 1, bytes.length))
        .status,
    ).toBe(202);
    const final = await putFragment(
      session.uploadUrl,
      bytes,
      FRAGMENT_MULTIPLE_BYTES,
      bytes.length - 1,
      bytes.length,
    );
    expect(final.status).toBe(201);
  });

  it('answers an overlapping or out-of-order fragment with 416 and keeps the session usable', async () => {
    const bytes = randomBytes(3 * FRAGMENT_MULTIPLE_BYTES);
    const session = await createSession('ranges.bin');
    await putFragment(session.uploadUrl, bytes, 0, FRAGMENT_MULTIPLE_BYTES - 1, bytes.length);
    const overlap = await putFragment(
      session.uploadUrl,
      bytes,
      0,
      FRAGMENT_MULTIPLE_BYTES - 1,
      bytes.length,
    );
    expect(overlap.status).toBe(416);
    expect(overlap.json()).toMatchObject({
      error: { code: 'invalidRange', innerError: { code: 'fragmentOverlap' } },
    });
    const gap = await putFragment(
      session.uploadUrl,
      bytes,
      2 * FRAGMENT_MULTIPLE_BYTES,
      bytes.length - 1,
      bytes.length,
    );
    expect(gap.status).toBe(416);
    expect((await test.call(session.uploadUrl)).json<UploadSession>().nextExpectedRanges).toEqual([
      `${FRAGMENT_MULTIPLE_BYTES}-`,
    ]);
  });

  it('refuses an upload URL request that carries an Authorization header', async () => {
    const session = await createSession('auth.bin');
    const bytes = randomBytes(1000);
    const response = await putFragment(session.uploadUrl, bytes, 0, 999, 1000, {
      authorization: `Bearer ${await test.token()}`,
    });
    expect(response.status).toBe(401);
    expect((await test.call(session.uploadUrl)).json<UploadSession>().nextExpectedRanges).toEqual([
      '0-',
    ]);
  });

  it('cancels a session with DELETE: 204, then 404, and its temp file is gone', async () => {
    const bytes = randomBytes(2 * FRAGMENT_MULTIPLE_BYTES);
    const session = await createSession('cancel.bin');
    await putFragment(session.uploadUrl, bytes, 0, FRAGMENT_MULTIPLE_BYTES - 1, bytes.length);
    expect((await test.call(session.uploadUrl, { method: 'DELETE' })).status).toBe(204);
    const after = await putFragment(
      session.uploadUrl,
      bytes,
      FRAGMENT_MULTIPLE_BYTES,
      bytes.length - 1,
      bytes.length,
    );
    expect(after.status).toBe(404);
    expect(after.json()).toMatchObject({ error: { code: 'itemNotFound' } });
    expect(await readdir(path.join(test.rootDir, '.graph-emulator-tmp'))).toEqual([]);
  });

  it('applies the conflict behavior at completion: fail (the default) gives 409, rename a new name', async () => {
    await test.call(`/v1.0/drives/${driveId}/root:/taken.pdf:/content`, {
      method: 'PUT',
      body: 'original',
    });
    const bytes = randomBytes(1000);
    const failing = await createSession('taken.pdf');
    const conflict = await putFragment(failing.uploadUrl, bytes, 0, 999, 1000);
    expect(conflict.status).toBe(409);
    expect(conflict.json()).toMatchObject({ error: { code: 'nameAlreadyExists' } });
    const renaming = await createSession('taken.pdf', 'rename');
    const renamed = await putFragment(renaming.uploadUrl, bytes, 0, 999, 1000);
    expect(renamed.status).toBe(201);
    expect(renamed.json()).toMatchObject({ name: 'taken 1.pdf' });
    const replacing = await createSession('taken.pdf', 'replace');
    expect((await putFragment(replacing.uploadUrl, bytes, 0, 999, 1000)).status).toBe(200);
    expect((await readFile(path.join(test.rootDir, 'Documents', 'taken.pdf'))).equals(bytes)).toBe(
      true,
    );
  });

  it('answers 404 once a session has expired', async () => {
    const quick = await startTestEmulator({ uploadSessionLifetimeSeconds: 0.2 });
    try {
      const drive = await quick.driveId();
      const created = await quick.call(
        `/v1.0/drives/${drive}/root:/late.bin:/createUploadSession`,
        {
          method: 'POST',
          body: '{}',
        },
      );
      const session = created.json<UploadSession>();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const response = await quick.call(session.uploadUrl, {
        method: 'PUT',
        headers: { 'content-range': 'bytes 0-9/10' },
        body: Buffer.alloc(10),
      });
      expect(response.status).toBe(404);
    } finally {
      await quick.close();
    }
  });
});
