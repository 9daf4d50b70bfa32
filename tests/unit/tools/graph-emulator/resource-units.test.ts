import { describe, expect, it } from 'vitest';
import { sharePointResourceUnits } from '../../../../tools/graph-emulator/resource-units.ts';
import { usePerTestEmulator } from './emulator-client.ts';

const throttlingPage =
  'how-to-avoid-getting-throttled-or-blocked-in-sharepoint-online (learn.microsoft.com)';

const cost = (method: string, pathAndQuery: string): number => {
  const url = new URL(pathAndQuery, 'https://graph.example');
  return sharePointResourceUnits(method, url.pathname, url.searchParams);
};

describe(`SharePoint resource units, ${throttlingPage}`, () => {
  it.each([
    ['GET', '/v1.0/drives/d/items/i', 1, 'single-item query'],
    ['GET', '/v1.0/sites/contoso.sharepoint.com:/sites/SiteOffice', 1, 'single-item query'],
    ['GET', '/v1.0/drives/d/items/i/content', 1, 'file download'],
    ['GET', '/v1.0/drives/d/root/delta?token=abc', 1, 'delta with a token'],
    ['GET', "/v1.0/drives/d/root/delta(token='abc')", 1, 'delta with a token'],
    ['GET', '/v1.0/drives/d/root/delta', 2, 'delta without a token'],
    ['GET', '/v1.0/drives/d/items/i/children', 2, 'multi-item query'],
    ['GET', '/v1.0/sites/s/drives', 2, 'multi-item query'],
    ['PUT', '/v1.0/drives/d/root:/a.txt:/content', 2, 'upload'],
    ['POST', '/v1.0/drives/d/root:/a.bin:/createUploadSession', 2, 'create'],
    ['PATCH', '/v1.0/drives/d/items/i/listItem/fields', 2, 'update'],
    ['DELETE', '/v1.0/drives/d/items/i', 2, 'delete'],
    ['GET', '/v1.0/drives/d/items/i/permissions', 5, 'permission operation'],
    ['GET', '/v1.0/drives/d/items/i?$expand=permissions', 5, '$expand=permissions'],
  ])(`${throttlingPage}: %s %s costs %i (%s)`, (method, path, units) => {
    expect(cost(method, path)).toBe(units);
  });
});

describe(`graph emulator throttling by SharePoint's resource units, ${throttlingPage}`, () => {
  const emulator = usePerTestEmulator({
    throttle: { resourceUnitsPerMinute: 10, costs: 'sharepoint' },
  });

  it(`${throttlingPage}: charges each request by the table, adds RateLimit headers from 80 % of the budget, and logs the units`, async () => {
    const { test, driveId } = emulator;
    // driveId() spent 1 (site) + 2 (drives list) = 3 units.
    const put = await test.call(`/v1.0/drives/${driveId}/root:/a.txt:/content`, {
      method: 'PUT',
      body: 'a',
    });
    expect(put.status).toBe(201);
    expect(put.headers['ratelimit-limit']).toBeUndefined(); // 5 of 10
    const item = put.json<{ id: string }>();
    const get = await test.call(`/v1.0/drives/${driveId}/items/${item.id}`); // 6
    expect(get.headers['ratelimit-remaining']).toBeUndefined();
    const children = await test.call(`/v1.0/drives/${driveId}/root/children`); // 8 = 80 %
    expect(children.status).toBe(200);
    expect(children.headers['ratelimit-limit']).toBe('10');
    expect(children.headers['ratelimit-remaining']).toBe('2');
    expect(Number(children.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(58);
    expect(Number(children.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
    const logged = test.emulator.requestLog.filter((record) => record.path.startsWith('/v1.0/'));
    expect(logged.map((record) => record.resourceUnits)).toEqual([1, 2, 2, 1, 2]);
  });

  it(`${throttlingPage}: answers 429 with Retry-After and RateLimit headers past the budget, and counts the throttled request too`, async () => {
    const { test, driveId } = emulator; // 3 spent
    for (const name of ['1.txt', '2.txt', '3.txt']) {
      const put = await test.call(`/v1.0/drives/${driveId}/root:/${name}:/content`, {
        method: 'PUT',
        body: name,
      });
      expect(put.status).toBe(201); // 5, 7, 9
    }
    const refused = await test.call(`/v1.0/drives/${driveId}/root:/4.txt:/content`, {
      method: 'PUT',
      body: '4',
    });
    expect(refused.status).toBe(429);
    expect(refused.json()).toMatchObject({
      error: { code: 'activityLimitReached', innerError: { code: 'throttledRequest' } },
    });
    expect(refused.headers['ratelimit-limit']).toBe('10');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.headers['ratelimit-reset']).toBe(refused.headers['retry-after']);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    // The refused upload was charged (11 of 10): even a 1-unit GET is now refused.
    const get = await test.call(`/v1.0/drives/${driveId}/root`);
    expect(get.status).toBe(429);
    const logged = test.emulator.requestLog.filter((record) => record.status === 429);
    expect(logged.map((record) => record.resourceUnits)).toEqual([2, 1]);
  });
});
