// Graph contract: delta on a drive's root and on folders, as SharePoint answers it
// (api-reference/v1.0/api/driveitem-delta.md; resources/deleted.md).

import { describe, expect, it } from 'vitest';
import { usePerTestEmulator } from '../emulator-client.ts';
import { idsOf, lastOccurrences, putFile, readRound } from './delta-client.ts';
import type { DeltaItem, DeltaPage } from './delta-client.ts';

const running = usePerTestEmulator();

function rootDelta(query = ''): string {
  return `/v1.0/drives/${running.driveId}/root/delta${query}`;
}

async function put(itemPath: string, body = itemPath): Promise<DeltaItem> {
  return putFile(running.test, running.driveId, itemPath, body);
}

async function latestLink(url = rootDelta()): Promise<string> {
  const response = await running.test.call(`${url}${url.includes('?') ? '&' : '?'}token=latest`);
  expect(response.status).toBe(200);
  const page = response.json<DeltaPage>();
  expect(page.value).toEqual([]);
  expect(page['@odata.nextLink']).toBeUndefined();
  return page['@odata.deltaLink'] ?? '';
}

describe('delta enumeration and paging (driveitem-delta.md)', () => {
  it('driveitem-delta.md (Example 1, 2): a call without a token enumerates every item in pages of $top, nextLink after nextLink, until a page with a deltaLink', async () => {
    const files = [];
    for (const name of ['a.txt', 'b.txt', 'Inbox/c.txt', 'Inbox/Deep/d.txt', 'e.txt']) {
      files.push(await put(name));
    }
    const round = await readRound(running.test, rootDelta('?$top=2'));
    expect(round.pages.length).toBeGreaterThan(3);
    for (const page of round.pages.slice(0, -1)) {
      expect(page['@odata.deltaLink']).toBeUndefined();
    }
    const seen = lastOccurrences(round.items);
    for (const file of files) expect(seen.get(file.id)?.name).toBe(file.name);
    expect(round.items[0]?.name).toBe('root');
    // Every item comes after its parent folder.
    const firstAt = new Map<string, number>();
    round.items.forEach((item, index) => firstAt.set(item.id, firstAt.get(item.id) ?? index));
    for (const [index, item] of round.items.entries()) {
      const parentId = item.parentReference?.id;
      if (parentId !== undefined) expect(firstAt.get(parentId)).toBeLessThan(index);
    }
  });

  it('driveitem-delta.md (Example 3): token=latest answers an empty page with a deltaLink, which later reports only what changed since', async () => {
    const before = await put('before.txt');
    const deltaLink = await latestLink();
    const after = await put('after.txt');
    const round = await readRound(running.test, deltaLink);
    const ids = idsOf(round.items);
    expect(ids).toContain(after.id);
    expect(ids).not.toContain(before.id);
    const again = await readRound(running.test, round.deltaLink, { deltaExcludeParent: 'true' });
    expect(again.items).toEqual([]);
  });

  it('driveitem-delta.md (Query parameters, token): on SharePoint a URL-encoded timestamp asks for the changes since that time', async () => {
    const before = await put('before.txt');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = await put('after.txt');
    const round = await readRound(running.test, rootDelta(`?token=${encodeURIComponent(since)}`));
    const ids = idsOf(round.items);
    expect(ids).toContain(after.id);
    expect(ids).not.toContain(before.id);
    expect(round.deltaLink).toContain('token=');
    // A time before the library's changes were timed gets them all: more than asked, never less.
    const all = await readRound(running.test, rootDelta('?token=2001-01-01T00%3A00%3A00Z'));
    expect(idsOf(all.items)).toEqual(expect.arrayContaining([before.id, after.id]));
  });

  it('driveitem-delta.md (Remarks): items carry id, eTag, size, fileSystemInfo, quickXorHash and parentReference id and driveId, but no parentReference.path and, as OneDrive for Business omits it on create and modify, no cTag', async () => {
    const file = await put('Reports/q1.pdf', 'quarter one');
    const round = await readRound(running.test, rootDelta());
    const seen = lastOccurrences(round.items).get(file.id);
    expect(seen).toMatchObject({
      id: file.id,
      name: 'q1.pdf',
      eTag: file.eTag,
      size: 'quarter one'.length,
      file: { hashes: { quickXorHash: file.file?.hashes?.quickXorHash } },
      parentReference: { id: file.parentReference?.id, driveId: running.driveId },
      fileSystemInfo: { lastModifiedDateTime: file.fileSystemInfo?.lastModifiedDateTime },
    });
    expect(seen?.parentReference).not.toHaveProperty('path');
    expect(seen).not.toHaveProperty('cTag');
    for (const item of round.items) expect(item.parentReference).not.toHaveProperty('path');
  });

  it('driveitem-delta.md (Remarks, OneDrive for Business table) and resources/deleted.md: a deleted file carries the deleted facet and neither name nor cTag', async () => {
    const file = await put('gone.txt');
    const deltaLink = await latestLink();
    const removed = await running.test.call(`/v1.0/drives/${running.driveId}/items/${file.id}`, {
      method: 'DELETE',
    });
    expect(removed.status).toBe(204);
    const round = await readRound(running.test, deltaLink);
    const seen = lastOccurrences(round.items).get(file.id);
    expect(seen?.deleted).toEqual({ state: 'deleted' });
    expect(seen).not.toHaveProperty('name');
    expect(seen).not.toHaveProperty('cTag');
    expect(seen?.parentReference?.id).toBe(file.parentReference?.id);
  });

  it('driveitem-delta.md (Note): a deleted folder is reported after its files, so a client empties it before removing it', async () => {
    const file = await put('Old/inner.txt');
    const folderId = file.parentReference?.id ?? '';
    const deltaLink = await latestLink();
    await running.test.call(`/v1.0/drives/${running.driveId}/items/${folderId}`, {
      method: 'DELETE',
    });
    const ids = idsOf((await readRound(running.test, deltaLink)).items);
    expect(ids.indexOf(file.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(file.id)).toBeLessThan(ids.lastIndexOf(folderId));
  });

  it('driveitem-delta.md (Remarks): "If an item were renamed twice, it would only show up once, with its latest name"', async () => {
    const file = await put('first.txt');
    const deltaLink = await latestLink();
    for (const name of ['second.txt', 'third.txt']) {
      await running.test.call(`/v1.0/drives/${running.driveId}/items/${file.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
    }
    const round = await readRound(running.test, deltaLink, { deltaExcludeParent: 'true' });
    expect(round.items.map((item) => [item.id, item.name])).toEqual([[file.id, 'third.txt']]);
  });

  it('driveitem-delta.md (Request headers): without deltaExcludeParent the parent folders of a change come before it; with it, only the change', async () => {
    const file = await put('Parent/Child/leaf.txt');
    const deltaLink = await latestLink();
    await put('Parent/Child/leaf.txt', 'changed');
    const withParents = idsOf((await readRound(running.test, deltaLink)).items);
    expect(withParents.at(-1)).toBe(file.id);
    expect(withParents).toContain(file.parentReference?.id);
    expect(withParents.length).toBe(4); // root, Parent, Child, leaf.txt
    const only = await readRound(running.test, deltaLink, { deltaExcludeParent: 'true' });
    expect(idsOf(only.items)).toEqual([file.id]);
  });

  it('driveitem-delta.md (Optional query parameters): $select keeps only the named properties on every page, and a deletion keeps its deleted facet', async () => {
    const kept = await put('kept.txt');
    const gone = await put('gone.txt');
    const deltaLink = await latestLink();
    await put('kept.txt', 'new bytes');
    await running.test.call(`/v1.0/drives/${running.driveId}/items/${gone.id}`, {
      method: 'DELETE',
    });
    const select = await readRound(running.test, `${deltaLink}&$select=id,size&$top=1`, {
      deltaExcludeParent: 'true',
    });
    expect(select.pages.length).toBe(2);
    expect(select.items).toEqual([
      { id: kept.id, size: 'new bytes'.length },
      { id: gone.id, size: 'gone.txt'.length, deleted: { state: 'deleted' } },
    ]);
  });

  it('driveitem-delta.md (Remarks): "The same item may appear more than once in a delta feed": fault repeatDeltaItems makes a page report the previous page again', async () => {
    for (const name of ['1.txt', '2.txt', '3.txt', '4.txt']) await put(name);
    running.test.emulator.faults.add({ path: '/delta', repeatDeltaItems: true, times: 1 });
    const first = await running.test.call(rootDelta('?$top=2'));
    const page = first.json<DeltaPage>();
    expect(page.value.length).toBe(4);
    expect(idsOf(page.value.slice(2))).toEqual(idsOf(page.value.slice(0, 2)));
    running.test.emulator.faults.add({ path: '/delta', repeatDeltaItems: true, times: 1 });
    const second = (await running.test.call(page['@odata.nextLink'] ?? '')).json<DeltaPage>();
    expect(idsOf(second.value).slice(0, 2)).toEqual(idsOf(page.value.slice(0, 2)));
    const round = await readRound(running.test, rootDelta('?$top=2'));
    expect(lastOccurrences(round.items).size).toBe(5); // root and four files
  });

  it('driveitem-delta.md ("Using delta is the only way to guarantee that you\'ve read all of the data"): an item that changes between two pages of a round is reported by the next round', async () => {
    for (const name of ['p1.txt', 'p2.txt', 'p3.txt']) await put(name);
    const first = (await running.test.call(rootDelta('?$top=2'))).json<DeltaPage>();
    const late = await put('p3.txt', 'changed mid-round');
    const added = await put('p4.txt');
    const rest = await readRound(running.test, first['@odata.nextLink'] ?? '');
    const next = await readRound(running.test, rest.deltaLink);
    const all = lastOccurrences([...first.value, ...rest.items, ...next.items]);
    expect(all.get(late.id)?.size).toBe('changed mid-round'.length);
    expect(all.has(added.id)).toBe(true);
  });

  it('onedrive-api-docs#1408 ("treat deltaLink/nextLink as opaque URLs"): tokens name no position a client could read, and a tampered token answers 410 Gone', async () => {
    await put('x.txt');
    const deltaLink = await latestLink();
    const token = new URL(deltaLink).searchParams.get('token') ?? '';
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    expect(() => JSON.parse(decoded) as unknown).toThrow();
    expect(decoded).not.toContain(running.driveId);
    const tampered = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const response = await running.test.call(rootDelta(`?token=${tampered}`));
    expect(response.status).toBe(410);
  });
});

describe('delta on a folder and on other addresses (driveitem-delta.md; microsoft-graph-docs#13035)', () => {
  it('microsoft-graph-docs#13035 ("SharePoint/ODB delta requests now support queries against a subfolder"): a folder\'s delta reports the folder and its descendants only, by id and by path', async () => {
    const inside = await put('Responses/Site A/answer.pdf');
    const outside = await put('Elsewhere/other.pdf');
    const folderId = (
      await running.test.call(`/v1.0/drives/${running.driveId}/root:/Responses`)
    ).json<DeltaItem>().id;
    for (const url of [
      `/v1.0/drives/${running.driveId}/items/${folderId}/delta`,
      `/v1.0/drives/${running.driveId}/root:/Responses:/delta`,
    ]) {
      const ids = idsOf((await readRound(running.test, url)).items);
      expect(ids[0]).toBe(folderId);
      expect(ids).toContain(inside.id);
      expect(ids).toContain(inside.parentReference?.id);
      expect(ids).not.toContain(outside.id);
      expect(ids).not.toContain(outside.parentReference?.id);
    }
  });

  it("driveitem-delta.md (Remarks: track items by id): a file moved out of a folder is reported deleted by that folder's delta and changed by the root's", async () => {
    const file = await put('Responses/moving.txt');
    const outsideId = (await put('Archive/keep.txt')).parentReference?.id;
    const folderId = file.parentReference?.id ?? '';
    const folderLink = await latestLink(`/v1.0/drives/${running.driveId}/items/${folderId}/delta`);
    const rootLink = await latestLink();
    await running.test.call(`/v1.0/drives/${running.driveId}/items/${file.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ parentReference: { id: outsideId } }),
    });
    const inFolder = lastOccurrences((await readRound(running.test, folderLink)).items);
    expect(inFolder.get(file.id)?.deleted).toEqual({ state: 'deleted' });
    const inRoot = lastOccurrences((await readRound(running.test, rootLink)).items);
    expect(inRoot.get(file.id)).toMatchObject({
      name: 'moving.txt',
      parentReference: { id: outsideId },
    });
    expect(inRoot.get(file.id)).not.toHaveProperty('deleted');
  });

  it("driveitem-delta.md (HTTP request): GET /sites/{siteId}/drive/root/delta is the default library's delta", async () => {
    const file = await put('site.txt');
    const site = (
      await running.test.call('/v1.0/sites/contoso.sharepoint.com:/sites/SiteOffice')
    ).json<{ id: string }>();
    const round = await readRound(running.test, `/v1.0/sites/${site.id}/drive/root/delta`);
    expect(idsOf(round.items)).toContain(file.id);
    expect(round.deltaLink).toContain(`/drives/${running.driveId}/root/delta`);
  });

  it('driveitem-delta.md (Response): delta of a file is refused; a token of another folder is refused', async () => {
    const file = await put('Folder/file.txt');
    const onFile = await running.test.call(
      `/v1.0/drives/${running.driveId}/items/${file.id}/delta`,
    );
    expect(onFile.status).toBe(400);
    const rootLink = await latestLink();
    const token = new URL(rootLink).searchParams.get('token') ?? '';
    const folderId = file.parentReference?.id ?? '';
    const foreign = await running.test.call(
      `/v1.0/drives/${running.driveId}/items/${folderId}/delta?token=${token}`,
    );
    expect(foreign.status).toBe(400);
  });
});
