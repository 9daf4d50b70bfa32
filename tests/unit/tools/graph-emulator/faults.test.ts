import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONTROL_TOKEN_HEADER,
  FRAGMENT_MULTIPLE_BYTES,
} from '../../../../tools/graph-emulator/index.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { startTestEmulator } from './emulator-client.ts';
import type { TestEmulator } from './emulator-client.ts';

let test: TestEmulator;
let driveId: string;

beforeEach(async () => {
  test = await startTestEmulator();
  driveId = await test.driveId();
});

afterEach(async () => {
  await test.close();
});

function control(
  route: string,
  options: { method?: string; body?: unknown; token?: string | null } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== null)
    headers[CONTROL_TOKEN_HEADER] = options.token ?? test.emulator.controlToken;
  return test.call(`/_emulator/${route}`, {
    method: options.method ?? 'GET',
    headers,
    auth: false,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

describe('graph emulator fault rules (in process)', () => {
  it('answers with the rule status and Retry-After seconds, for `times` requests only', async () => {
    test.emulator.faults.add({
      method: 'GET',
      path: '/root',
      status: 503,
      retryAfterSeconds: 7,
      times: 2,
    });
    const first = await test.call(`/v1.0/drives/${driveId}/root`);
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBe('7');
    expect(first.json()).toMatchObject({ error: { code: 'serviceNotAvailable' } });
    expect((await test.call(`/v1.0/drives/${driveId}/root`)).status).toBe(503);
    expect((await test.call(`/v1.0/drives/${driveId}/root`)).status).toBe(200);
    expect(test.emulator.faults.list()[0]?.hits).toBe(2);
  });

  it('can send Retry-After as an HTTP date, and matches paths by RegExp', async () => {
    test.emulator.faults.add({
      path: /\/root$/,
      status: 429,
      retryAfterSeconds: 30,
      retryAfterHttpDate: true,
    });
    const response = await test.call(`/v1.0/drives/${driveId}/root`);
    expect(response.status).toBe(429);
    const retryAt = Date.parse(String(response.headers['retry-after']));
    expect(retryAt - Date.now()).toBeGreaterThan(25_000);
    expect(retryAt - Date.now()).toBeLessThan(31_000);
    expect(response.json()).toMatchObject({ error: { code: 'activityLimitReached' } });
  });

  it('never hits with probability 0 and stops hitting once removed', async () => {
    const never = test.emulator.faults.add({ status: 500, probability: 0 });
    expect((await test.call(`/v1.0/drives/${driveId}/root`)).status).toBe(200);
    test.emulator.faults.remove(never);
    const always = test.emulator.faults.add({ status: 500 });
    expect((await test.call(`/v1.0/drives/${driveId}/root`)).status).toBe(500);
    expect(test.emulator.faults.remove(always)).toBe(true);
    expect((await test.call(`/v1.0/drives/${driveId}/root`)).status).toBe(200);
  });

  it('holds a request for delayMs before answering', async () => {
    test.emulator.faults.add({ path: '/root', delayMs: 300, times: 1 });
    const startedAt = Date.now();
    expect((await test.call(`/v1.0/drives/${driveId}/root`)).status).toBe(200);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
  });

  it('drops the connection mid-body: the fragment is not kept and the session resumes', async () => {
    const bytes = randomBytes(4 * FRAGMENT_MULTIPLE_BYTES);
    const created = await test.call(
      `/v1.0/drives/${driveId}/root:/reset.bin:/createUploadSession`,
      {
        method: 'POST',
        body: '{}',
      },
    );
    const { uploadUrl } = created.json<{ uploadUrl: string }>();
    test.emulator.faults.add({
      path: '/_upload/',
      method: 'PUT',
      resetAfterBytes: 100_000,
      times: 1,
    });
    const headers = { 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` };
    await expect(test.call(uploadUrl, { method: 'PUT', headers, body: bytes })).rejects.toThrow();
    const status = await test.call(uploadUrl);
    expect(status.json()).toMatchObject({ nextExpectedRanges: ['0-'] });
    expect((await test.call(uploadUrl, { method: 'PUT', headers, body: bytes })).status).toBe(201);
    const record = test.emulator.requestLog.find((entry) => entry.faultId !== undefined);
    expect(record).toMatchObject({ method: 'PUT', aborted: true, status: 0 });
    expect(record?.path).toMatch(/^\/_upload\/[\w-]+$/);
  });

  it('drops the connection mid-response after processing a short request (the response is lost)', async () => {
    test.emulator.faults.add({ method: 'PUT', resetAfterBytes: 1_000_000, times: 1 });
    await expect(
      test.call(`/v1.0/drives/${driveId}/root:/lost-response.txt:/content`, {
        method: 'PUT',
        body: 'bytes',
      }),
    ).rejects.toThrow();
    expect((await stat(path.join(test.rootDir, 'Documents', 'lost-response.txt'))).size).toBe(5);
  });

  it('expires the token it hits: 401 now and for later requests with that token', async () => {
    test.emulator.faults.add({ expireToken: true, times: 1 });
    const first = await test.call(`/v1.0/drives/${driveId}/root`);
    expect(first.status).toBe(401);
    expect(first.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    expect((await test.call(`/v1.0/drives/${driveId}/root`)).status).toBe(401);
  });

  it('expires the upload session it hits', async () => {
    const created = await test.call(`/v1.0/drives/${driveId}/root:/x.bin:/createUploadSession`, {
      method: 'POST',
      body: '{}',
    });
    const { uploadUrl } = created.json<{ uploadUrl: string }>();
    test.emulator.faults.add({ path: '/_upload/', expireUploadSession: true, times: 1 });
    expect((await test.call(uploadUrl)).status).toBe(404);
  });
});

describe('graph emulator control API', () => {
  it('refuses calls without the control token', async () => {
    expect((await control('faults', { token: null })).status).toBe(401);
    expect((await control('faults', { token: 'wrong' })).status).toBe(401);
  });

  it('adds, lists and deletes fault rules over HTTP, with RegExp paths as pathPattern', async () => {
    const added = await control('faults', {
      method: 'POST',
      body: { pathPattern: '/root$', status: 429, retryAfterSeconds: 2, times: 1 },
    });
    expect(added.status).toBe(201);
    const { id } = added.json<{ id: string }>();
    const throttled = await test.call(`/v1.0/drives/${driveId}/root`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('2');
    const listed = await control('faults');
    expect(listed.json()).toEqual({
      value: [{ id, hits: 1, pathPattern: '/root$', status: 429, retryAfterSeconds: 2, times: 1 }],
    });
    expect((await control(`faults/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await control('faults')).json()).toEqual({ value: [] });
    const invalid = await control('faults', { method: 'POST', body: { status: 'soon' } });
    expect(invalid.status).toBe(400);
  });

  it('serves the request log with user agents and Retry-After, and resets it', async () => {
    await control('faults', {
      method: 'POST',
      body: { path: '/root', status: 503, retryAfterSeconds: 1, times: 1 },
    });
    await test.call(`/v1.0/drives/${driveId}/root`, {
      headers: { 'user-agent': 'SiteDrop/0.1 test' },
    });
    const log = await control('requests');
    const records = log.json<{ value: Array<Record<string, unknown>> }>().value;
    expect(records.at(-1)).toMatchObject({
      method: 'GET',
      path: `/v1.0/drives/${driveId}/root`,
      status: 503,
      retryAfter: '1',
      userAgent: 'SiteDrop/0.1 test',
    });
    expect(records.every((record) => !String(record['path']).includes('_emulator'))).toBe(true);
    expect((await control('reset', { method: 'POST' })).status).toBe(204);
    expect((await control('requests')).json()).toEqual({ value: [] });
    expect((await control('faults')).json()).toEqual({ value: [] });
  });
});

/** Runs `test` against an emulator that answers Graph requests `latencyMs` after they arrive. */
async function withSlowEmulator(
  latencyMs: number,
  test: (slow: TestEmulator) => Promise<void>,
): Promise<void> {
  const slow = await startTestEmulator({ latencyMs });
  try {
    await test(slow);
  } finally {
    await slow.close();
  }
}

describe('graph emulator latency', () => {
  it('answers every Graph request no sooner than latencyMs after it arrived, but not the token endpoint', async () => {
    await withSlowEmulator(200, async (slow) => {
      const tokenStartedAt = Date.now();
      await slow.token();
      expect(Date.now() - tokenStartedAt).toBeLessThan(200);
      const startedAt = Date.now();
      await slow.driveId();
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2 * 195);
      const graphRecords = slow.emulator.requestLog.filter((each) => each.path.startsWith('/v1.0'));
      // A record ends when its response closes, which may come just after the client read it.
      await waitFor(() => graphRecords.every((record) => record.endedAt > 0));
      for (const record of graphRecords) {
        expect(record.endedAt - record.startedAt).toBeGreaterThanOrEqual(199);
      }
    });
  });

  it('handles a request while its response waits: the upload is stored long before the answer', async () => {
    await withSlowEmulator(2_000, async (slow) => {
      const drive = await slow.driveId();
      const sentAt = Date.now();
      let answeredAt: number | undefined;
      const answer = slow
        .call(`/v1.0/drives/${drive}/root:/early.txt:/content`, { method: 'PUT', body: 'early' })
        .then((response) => {
          answeredAt = Date.now();
          return response;
        });
      const stored = path.join(slow.rootDir, 'Documents', 'early.txt');
      // The emulator's own work is inside the latency, not after it (issue 7, figure 4).
      await waitFor(async () => (await stat(stored).catch(() => undefined))?.size === 5, {
        timeoutMs: 1_000,
        intervalMs: 10,
        description: 'the upload to be on disk within half its latency',
      });
      expect(answeredAt).toBeUndefined();
      expect((await answer).status).toBe(201);
      expect(answeredAt! - sentAt).toBeGreaterThanOrEqual(1_995);
    });
  });

  it('streams a held download whole once its latency has passed', async () => {
    await withSlowEmulator(300, async (slow) => {
      const drive = await slow.driveId();
      const bytes = randomBytes(3 * 1024 * 1024);
      const item = (
        await slow.call(`/v1.0/drives/${drive}/root:/big.bin:/content`, {
          method: 'PUT',
          body: bytes,
        })
      ).json<{ id: string }>();
      const redirect = await slow.call(`/v1.0/drives/${drive}/items/${item.id}/content`);
      expect(redirect.status).toBe(302);
      const startedAt = Date.now();
      const download = await slow.call(String(redirect.headers.location));
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(295);
      expect(download.status).toBe(200);
      expect(download.bytes.equals(bytes)).toBe(true);
    });
  });

  it("adds a fault rule's delayMs to latencyMs", async () => {
    await withSlowEmulator(200, async (slow) => {
      const drive = await slow.driveId();
      slow.emulator.faults.add({ path: '/root', delayMs: 300, times: 1 });
      const startedAt = Date.now();
      expect((await slow.call(`/v1.0/drives/${drive}/root`)).status).toBe(200);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(495);
    });
  });
});

describe('graph emulator throttling', () => {
  it('answers 429 with Retry-After once the per-minute budget is spent, and logs it', async () => {
    const throttled = await startTestEmulator({
      throttle: { resourceUnitsPerMinute: 5, costPerUpload: 2 },
    });
    try {
      const drive = await throttled.driveId();
      const upload = (name: string) =>
        throttled.call(`/v1.0/drives/${drive}/root:/${name}:/content`, {
          method: 'PUT',
          body: name,
        });
      expect((await upload('1.txt')).status).toBe(201);
      expect((await upload('2.txt')).status).toBe(201);
      const third = await upload('3.txt');
      expect(third.status).toBe(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      expect(Number(third.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect((await throttled.call(`/v1.0/drives/${drive}/root`)).status).toBe(200);
      const logged = throttled.emulator.requestLog.filter((record) => record.status === 429);
      expect(logged).toHaveLength(1);
      expect(logged[0]?.retryAfter).toBe(third.headers['retry-after']);
      expect(logged[0]?.endedAt).toBeGreaterThanOrEqual(logged[0]?.startedAt ?? Infinity);
    } finally {
      await throttled.close();
    }
  });
});
