// Graph contract: If-Match on PATCH …/listItem/fields (api-reference/v1.0/api/listitem-update.md).

import { describe, expect, it } from 'vitest';
import { useSharedEmulator } from './shared-emulator.ts';

const shared = useSharedEmulator();

async function fieldsOf(name: string): Promise<{ url: string; eTag: string; itemETag: string }> {
  const created = await shared.test.call(`/v1.0/drives/${shared.driveId}/root:/${name}:/content`, {
    method: 'PUT',
    body: name,
  });
  const item = created.json<{ id: string; eTag: string }>();
  const url = `/v1.0/drives/${shared.driveId}/items/${item.id}/listItem/fields`;
  const fields = await shared.test.call(url);
  return {
    url,
    eTag: fields.json<{ '@odata.etag': string }>()['@odata.etag'],
    itemETag: item.eTag,
  };
}

function patchFields(url: string, body: unknown, ifMatch: string) {
  return shared.test.call(url, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'if-match': ifMatch },
    body: JSON.stringify(body),
  });
}

describe('If-Match on listItem fields (api-reference/v1.0/api/listitem-update.md, "Optional request headers")', () => {
  it("updates the fields when If-Match is the list item's current eTag (its @odata.etag)", async () => {
    const { url, eTag } = await fieldsOf('current.txt');
    const response = await patchFields(url, { Title: 'current' }, eTag);
    expect(response.status).toBe(200);
    expect(response.json<{ '@odata.etag': string }>()['@odata.etag']).not.toBe(eTag);
  });

  it('answers a stale eTag with 412 Precondition Failed and does not update the item', async () => {
    const { url, eTag } = await fieldsOf('stale.txt');
    expect((await patchFields(url, { Title: 'first' }, eTag)).status).toBe(200);
    const stale = await patchFields(url, { Title: 'second' }, eTag);
    expect(stale.status).toBe(412);
    expect(stale.json()).toMatchObject({
      error: { code: 'resourceModified', innerError: { code: 'entityTagDoesNotMatch' } },
    });
    expect((await shared.test.call(url)).json()).toMatchObject({ Title: 'first' });
  });

  it("accepts the driveItem's eTag, which names the same version", async () => {
    const { url, itemETag } = await fieldsOf('item-etag.txt');
    expect((await patchFields(url, { Title: 'by item eTag' }, itemETag)).status).toBe(200);
  });
});
