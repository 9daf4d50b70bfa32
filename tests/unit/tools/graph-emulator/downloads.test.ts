import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startTestEmulator, usePerTestEmulator } from './emulator-client.ts';

interface DriveItem {
  id: string;
  eTag: string;
  cTag: string;
  '@microsoft.graph.downloadUrl'?: string;
}

const emulator = usePerTestEmulator();

async function upload(name: string, bytes: Buffer): Promise<DriveItem> {
  const response = await emulator.test.call(
    `/v1.0/drives/${emulator.driveId}/root:/${name}:/content`,
    {
      method: 'PUT',
      body: bytes,
    },
  );
  expect(response.status).toBe(201);
  return response.json<DriveItem>();
}

async function downloadUrlOf(item: DriveItem): Promise<string> {
  const redirect = await emulator.test.call(
    `/v1.0/drives/${emulator.driveId}/items/${item.id}/content`,
  );
  expect(redirect.status).toBe(302);
  return String(redirect.headers.location);
}

describe('graph emulator downloads (driveitem-get-content.md)', () => {
  it('driveitem-get-content.md: GET content answers 302 to a pre-authenticated URL on another host, which serves the bytes', async () => {
    const bytes = randomBytes(5000);
    const item = await upload('Responses/answer.pdf', bytes);
    for (const path of [
      `/v1.0/drives/${emulator.driveId}/items/${item.id}/content`,
      `/v1.0/drives/${emulator.driveId}/root:/Responses/answer.pdf:/content`,
    ]) {
      const redirect = await emulator.test.call(path);
      expect(redirect.status).toBe(302);
      expect(redirect.bytes.length).toBe(0);
      const location = new URL(String(redirect.headers.location));
      expect(location.hostname).toBe('localhost');
      expect(new URL(emulator.test.emulator.graphBaseUrl).hostname).toBe('127.0.0.1');
      expect(location.searchParams.get('tempauth')).toBeTruthy();
      const download = await emulator.test.call(location.toString());
      expect(download.status).toBe(200);
      expect(download.headers['content-length']).toBe('5000');
      expect(download.headers['content-type']).toBe('application/pdf');
      expect(download.bytes.equals(bytes)).toBe(true);
    }
  });

  it('driveitem-get-content.md (Partial range downloads): Range gets 206 with Content-Range', async () => {
    const bytes = randomBytes(2048);
    const url = await downloadUrlOf(await upload('range.bin', bytes));
    const first = await emulator.test.call(url, { headers: { range: 'bytes=0-1023' } });
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe('bytes 0-1023/2048');
    expect(first.headers['content-length']).toBe('1024');
    expect(first.bytes.equals(bytes.subarray(0, 1024))).toBe(true);
    const rest = await emulator.test.call(url, { headers: { range: 'bytes=1500-' } });
    expect(rest.status).toBe(206);
    expect(rest.headers['content-range']).toBe('bytes 1500-2047/2048');
    expect(rest.bytes.equals(bytes.subarray(1500))).toBe(true);
    const suffix = await emulator.test.call(url, { headers: { range: 'bytes=-48' } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers['content-range']).toBe('bytes 2000-2047/2048');
    expect(suffix.bytes.equals(bytes.subarray(2000))).toBe(true);
  });

  it('RFC 9110 §15.5.17 (driveitem-get-content.md download URL): an unsatisfiable Range gets 416 naming the size', async () => {
    const url = await downloadUrlOf(await upload('short.txt', Buffer.from('0123456789')));
    const response = await emulator.test.call(url, { headers: { range: 'bytes=10-' } });
    expect(response.status).toBe(416);
    expect(response.headers['content-range']).toBe('bytes */10');
  });

  it('driveitem-get-content.md: "the Range header may be ignored" — several ranges, or the ignoreRange fault, get 200 with the whole file', async () => {
    const bytes = randomBytes(4096);
    const url = await downloadUrlOf(await upload('whole.bin', bytes));
    const several = await emulator.test.call(url, { headers: { range: 'bytes=0-9,20-29' } });
    expect(several.status).toBe(200);
    expect(several.bytes.equals(bytes)).toBe(true);
    const id = emulator.test.emulator.faults.add({
      path: '/_download/',
      ignoreRange: true,
      times: 1,
    });
    const ignored = await emulator.test.call(url, { headers: { range: 'bytes=100-199' } });
    expect(ignored.status).toBe(200);
    expect(ignored.headers['content-range']).toBeUndefined();
    expect(ignored.headers['content-length']).toBe('4096');
    expect(ignored.bytes.equals(bytes)).toBe(true);
    expect(emulator.test.emulator.faults.list().find((rule) => rule.id === id)?.hits).toBe(1);
    expect((await emulator.test.call(url, { headers: { range: 'bytes=100-199' } })).status).toBe(
      206,
    );
  });

  it('driveitem-get-content.md: the URL needs no Authorization, and one that carries it is refused with 401', async () => {
    const url = await downloadUrlOf(await upload('secret.txt', Buffer.from('x')));
    const withToken = await emulator.test.call(url, {
      headers: { authorization: `Bearer ${await emulator.test.token()}` },
    });
    expect(withToken.status).toBe(401);
    expect(withToken.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    const tampered = new URL(url);
    tampered.searchParams.set('tempauth', `${tampered.searchParams.get('tempauth') ?? ''}x`);
    expect((await emulator.test.call(tampered.toString())).status).toBe(401);
  });

  it('driveitem.md (Instance Attributes): the URL is short-lived; once expired it answers 401', async () => {
    const shortLived = await startTestEmulator({ downloadUrlLifetimeSeconds: 1 });
    try {
      const drive = await shortLived.driveId();
      const put = await shortLived.call(`/v1.0/drives/${drive}/root:/soon.txt:/content`, {
        method: 'PUT',
        body: 'soon',
      });
      const item = put.json<DriveItem>();
      const redirect = await shortLived.call(`/v1.0/drives/${drive}/items/${item.id}/content`);
      const url = String(redirect.headers.location);
      expect((await shortLived.call(url)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const expired = await shortLived.call(url);
      expect(expired.status).toBe(401);
      expect(expired.text).toMatch(/expired/);
    } finally {
      await shortLived.close();
    }
  });

  it('driveitem.md (Instance Attributes): the expireDownloadUrl fault makes a fresh URL answer as an expired one', async () => {
    const url = await downloadUrlOf(await upload('fault.txt', Buffer.from('x')));
    emulator.test.emulator.faults.add({ path: '/_download/', expireDownloadUrl: true, times: 1 });
    expect((await emulator.test.call(url)).status).toBe(401);
    expect((await emulator.test.call(url)).status).toBe(200);
  });

  it('driveitem.md (Instance Attributes): @microsoft.graph.downloadUrl is returned on GET of a file, and with $select only when named', async () => {
    const bytes = randomBytes(300);
    const put = await emulator.test.call(
      `/v1.0/drives/${emulator.driveId}/root:/Inbox/a.bin:/content`,
      {
        method: 'PUT',
        body: bytes,
      },
    );
    // Only returned on GET: not on the upload's response.
    expect(put.json<DriveItem>()['@microsoft.graph.downloadUrl']).toBeUndefined();
    const item = put.json<DriveItem>();
    const got = (
      await emulator.test.call(`/v1.0/drives/${emulator.driveId}/items/${item.id}`)
    ).json<DriveItem>();
    const url = got['@microsoft.graph.downloadUrl'];
    expect(new URL(url ?? '').hostname).toBe('localhost');
    expect((await emulator.test.call(url ?? '')).bytes.equals(bytes)).toBe(true);
    const selected = await emulator.test.call(
      `/v1.0/drives/${emulator.driveId}/items/${item.id}?$select=id,@microsoft.graph.downloadUrl`,
    );
    expect(Object.keys(selected.json()).sort()).toEqual(['@microsoft.graph.downloadUrl', 'id']);
    // The page's own example spells it without the `$`.
    const unprefixed = await emulator.test.call(
      `/v1.0/drives/${emulator.driveId}/items/${item.id}?select=id,@microsoft.graph.downloadUrl`,
    );
    expect(Object.keys(unprefixed.json()).sort()).toEqual(['@microsoft.graph.downloadUrl', 'id']);
    const notSelected = await emulator.test.call(
      `/v1.0/drives/${emulator.driveId}/items/${item.id}?$select=id`,
    );
    expect(notSelected.json()).toEqual({ id: item.id });
    const children = await emulator.test.call(
      `/v1.0/drives/${emulator.driveId}/root:/Inbox:/children`,
    );
    expect(
      children.json<{ value: DriveItem[] }>().value[0]?.['@microsoft.graph.downloadUrl'],
    ).toBeTruthy();
    const folder = await emulator.test.call(`/v1.0/drives/${emulator.driveId}/root:/Inbox`);
    expect(folder.json<DriveItem>()['@microsoft.graph.downloadUrl']).toBeUndefined();
  });

  it('driveitem-get-content.md (if-none-match): the current eTag or cTag gets 304 Not Modified', async () => {
    const item = await upload('cached.txt', Buffer.from('v1'));
    const path = `/v1.0/drives/${emulator.driveId}/items/${item.id}/content`;
    expect(
      (await emulator.test.call(path, { headers: { 'if-none-match': item.cTag } })).status,
    ).toBe(304);
    expect(
      (await emulator.test.call(path, { headers: { 'if-none-match': item.eTag } })).status,
    ).toBe(304);
    await emulator.test.call(`/v1.0/drives/${emulator.driveId}/items/${item.id}/content`, {
      method: 'PUT',
      body: 'v2',
    });
    expect(
      (await emulator.test.call(path, { headers: { 'if-none-match': item.cTag } })).status,
    ).toBe(302);
  });

  it('driveitem-get-content.md: a URL for an item deleted since answers 404', async () => {
    const item = await upload('gone.txt', Buffer.from('x'));
    const url = await downloadUrlOf(item);
    await emulator.test.call(`/v1.0/drives/${emulator.driveId}/items/${item.id}`, {
      method: 'DELETE',
    });
    expect((await emulator.test.call(url)).status).toBe(404);
  });
});
