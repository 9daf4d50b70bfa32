// The Graph calls of a site picker after a user signs in (/me, followed sites, site search, a
// pasted site URL, libraries and folders in pages), and per-user site access: a delegated user
// reaches only the sites it may open.

import { describe, expect, it } from 'vitest';
import {
  DEMO_TENANT_ID,
  DEMO_USER_PRINCIPAL_NAME,
  buildDefaultEmulatorOptions,
  OUTSIDER_USER_PRINCIPAL_NAME,
} from '../../../../../tools/graph-emulator/index.ts';
import { delegatedToken } from '../delegated-token.ts';
import { useSharedEmulator } from './shared-emulator.ts';

const SITE_OFFICE = 'https://contoso.sharepoint.com/sites/SiteOffice';
const HEAD_OFFICE = 'https://contoso.sharepoint.com/sites/HeadOffice';
const LEE = 'lee@contoso.example';
const FILES_ONLY_CLIENT_ID = '9c2e4f60-0000-4000-8000-0000000f11e5';
const shared = useSharedEmulator({
  clients: [
    ...(buildDefaultEmulatorOptions('/unused').clients ?? []),
    {
      clientId: FILES_ONLY_CLIENT_ID,
      tenantId: DEMO_TENANT_ID,
      signInAudience: 'AzureADMultipleOrgs',
      isPublicClientFlowAllowed: true,
      delegatedPermissions: ['Files.Read.All'],
    },
  ],
  sites: [
    {
      hostname: 'contoso.sharepoint.com',
      path: '/sites/SiteOffice',
      displayName: 'Site Office',
      libraries: [{ name: 'Documents' }, { name: 'Requests' }, { name: 'Scans' }],
    },
    {
      hostname: 'contoso.sharepoint.com',
      path: '/sites/HeadOffice',
      displayName: 'Head Office',
      libraries: [{ name: 'Answers' }],
    },
    { hostname: 'contoso.sharepoint.com', path: '/sites/Archive', libraries: [{ name: 'Old' }] },
  ],
  users: [
    {
      userPrincipalName: DEMO_USER_PRINCIPAL_NAME,
      displayName: 'Dana Site',
      followedSites: [SITE_OFFICE],
    },
    { userPrincipalName: OUTSIDER_USER_PRINCIPAL_NAME, displayName: 'Sam Outsider', sites: [] },
    { userPrincipalName: LEE, displayName: 'Lee Head', sites: [HEAD_OFFICE] },
  ],
});

async function get(path: string, token: string) {
  return shared.test.call(path, { headers: { authorization: `Bearer ${token}` } });
}

describe('site picker (Graph v1.0)', () => {
  it('user-get.md: GET /me returns the signed-in user; an app-only token gets 400', async () => {
    const token = await delegatedToken(shared.test, DEMO_USER_PRINCIPAL_NAME);
    const me = await get('/v1.0/me', token);
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({
      displayName: 'Dana Site',
      userPrincipalName: DEMO_USER_PRINCIPAL_NAME,
      givenName: 'Dana',
      surname: 'Site',
    });
    const appOnly = await shared.test.call('/v1.0/me');
    expect(appOnly.status).toBe(400);
    expect(appOnly.json()).toMatchObject({ error: { code: 'BadRequest' } });
  });

  it('user-get.md (Permissions): /me with a token whose permissions include no User.* one is 403 Authorization_RequestDenied', async () => {
    const token = await delegatedToken(
      shared.test,
      DEMO_USER_PRINCIPAL_NAME,
      'Files.Read.All openid',
      FILES_ONLY_CLIENT_ID,
    );
    const me = await get('/v1.0/me', token);
    expect(me.status).toBe(403);
    expect(me.json()).toMatchObject({ error: { code: 'Authorization_RequestDenied' } });
  });

  it('sites-list-followed.md: followed sites carry sharepointIds and siteCollection; none is an empty collection', async () => {
    const dana = await get(
      '/v1.0/me/followedSites',
      await delegatedToken(shared.test, DEMO_USER_PRINCIPAL_NAME),
    );
    const sites = dana.json<{ value: Array<Record<string, unknown>> }>().value;
    expect(sites).toHaveLength(1);
    expect(sites[0]).toMatchObject({
      displayName: 'Site Office',
      webUrl: SITE_OFFICE,
      siteCollection: { hostname: 'contoso.sharepoint.com' },
      sharepointIds: { siteUrl: SITE_OFFICE },
    });
    const sam = await get(
      '/v1.0/me/followedSites',
      await delegatedToken(shared.test, OUTSIDER_USER_PRINCIPAL_NAME),
    );
    expect(sam.json()).toEqual({ value: [] });
  });

  it("site-search.md: search matches words in the name and URL, is trimmed to the user's sites, and no match is value: []", async () => {
    const dana = await delegatedToken(shared.test, DEMO_USER_PRINCIPAL_NAME);
    const office = await get('/v1.0/sites?search=office', dana);
    expect(
      office
        .json<{ value: Array<{ webUrl: string }> }>()
        .value.map((site) => site.webUrl)
        .sort(),
    ).toEqual([HEAD_OFFICE, SITE_OFFICE]);
    expect(Object.keys(office.json<{ value: object[] }>().value[0] ?? {}).sort()).toEqual([
      'createdDateTime',
      'description',
      'displayName',
      'id',
      'lastModifiedDateTime',
      'name',
      'webUrl',
    ]);
    expect(
      (await get('/v1.0/sites?search=*', dana)).json<{ value: object[] }>().value,
    ).toHaveLength(3);
    expect((await get('/v1.0/sites?search=nothing-like-this', dana)).json()).toEqual({ value: [] });
    const lee = await get('/v1.0/sites?search=office', await delegatedToken(shared.test, LEE));
    expect(
      lee.json<{ value: Array<{ webUrl: string }> }>().value.map((site) => site.webUrl),
    ).toEqual([HEAD_OFFICE]);
  });

  it('site-get.md (Access a site by server-relative URL): a pasted site URL resolves for a user who may open it and is 403 accessDenied for one who may not', async () => {
    const path = '/v1.0/sites/contoso.sharepoint.com:/sites/HeadOffice';
    const lee = await get(path, await delegatedToken(shared.test, LEE));
    expect(lee.status).toBe(200);
    expect(lee.json()).toMatchObject({ webUrl: HEAD_OFFICE });
    const sam = await get(path, await delegatedToken(shared.test, OUTSIDER_USER_PRINCIPAL_NAME));
    expect(sam.status).toBe(403);
    expect(sam.json()).toMatchObject({ error: { code: 'accessDenied' } });
  });

  it("drive-list.md ($top, $skipToken): a site's libraries come in pages linked by @odata.nextLink, followed as given", async () => {
    const token = await delegatedToken(shared.test, DEMO_USER_PRINCIPAL_NAME);
    const site = (await get('/v1.0/sites/contoso.sharepoint.com:/sites/SiteOffice', token)).json<{
      id: string;
    }>();
    const names: string[] = [];
    let next: string | undefined = `/v1.0/sites/${site.id}/drives?$top=2`;
    let pages = 0;
    while (next !== undefined) {
      const response = await get(next, token);
      const page: { value: Array<{ name: string }>; '@odata.nextLink'?: string } = response.json();
      names.push(...page.value.map((drive) => drive.name));
      next = page['@odata.nextLink'];
      pages++;
    }
    expect(pages).toBe(2);
    expect(names).toEqual(['Documents', 'Requests', 'Scans']);
  });

  it('driveitem-list-children.md: folders come in pages of $top linked by @odata.nextLink until the last', async () => {
    const token = await delegatedToken(shared.test, DEMO_USER_PRINCIPAL_NAME);
    const driveId = await shared.test.driveId();
    for (const [parent, name] of [
      ['root', 'Targets'],
      ['root:/Targets:', 'A'],
      ['root:/Targets:', 'B'],
      ['root:/Targets:', 'C'],
    ]) {
      await shared.test.call(`/v1.0/drives/${driveId}/${parent}/children`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, folder: {}, '@microsoft.graph.conflictBehavior': 'replace' }),
      });
    }
    const first = (
      await get(`/v1.0/drives/${driveId}/root:/Targets:/children?$top=2`, token)
    ).json<{ value: Array<{ name: string }>; '@odata.nextLink': string }>();
    expect(first.value.map((item) => item.name)).toEqual(['A', 'B']);
    const second = (await get(first['@odata.nextLink'], token)).json<{
      value: Array<{ name: string }>;
    }>();
    expect(second.value.map((item) => item.name)).toEqual(['C']);
    expect(second).not.toHaveProperty('@odata.nextLink');
  });

  it('a user without access to a site gets 403 accessDenied on its drives, folders and uploads; the app-only client is unaffected', async () => {
    const sam = await delegatedToken(shared.test, OUTSIDER_USER_PRINCIPAL_NAME);
    const driveId = await shared.test.driveId();
    const headers = { authorization: `Bearer ${sam}` };
    const listing = await get(`/v1.0/drives/${driveId}/root/children`, sam);
    const upload = await shared.test.call(`/v1.0/drives/${driveId}/root:/x.txt:/content`, {
      method: 'PUT',
      headers,
      body: 'x',
    });
    const session = await shared.test.call(
      `/v1.0/drives/${driveId}/root:/y.bin:/createUploadSession`,
      { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' },
    );
    for (const response of [listing, upload, session]) {
      expect(response.status).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'accessDenied' } });
    }
    expect((await shared.test.call(`/v1.0/drives/${driveId}/root/children`)).status).toBe(200);
  });

  it('denying and granting a user a site (control API) takes effect on the next request', async () => {
    const token = await delegatedToken(shared.test, DEMO_USER_PRINCIPAL_NAME);
    const control = (body: object) =>
      shared.test.call(
        `/_emulator/users/${encodeURIComponent(DEMO_USER_PRINCIPAL_NAME)}/siteAccess`,
        {
          method: 'POST',
          auth: false,
          headers: {
            'x-emulator-control-token': shared.test.emulator.controlToken,
            'content-type': 'application/json',
          },
          body: JSON.stringify(body),
        },
      );
    const path = '/v1.0/sites/contoso.sharepoint.com:/sites/Archive';
    expect((await get(path, token)).status).toBe(200);
    expect(
      (await control({ siteUrl: 'https://contoso.sharepoint.com/sites/Archive', access: 'deny' }))
        .status,
    ).toBe(204);
    expect((await get(path, token)).status).toBe(403);
    expect(
      (await control({ siteUrl: 'https://contoso.sharepoint.com/sites/Archive', access: 'grant' }))
        .status,
    ).toBe(204);
    expect((await get(path, token)).status).toBe(200);
  });
});
