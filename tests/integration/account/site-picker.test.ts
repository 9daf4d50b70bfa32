import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { emulatorConfigLayer } from '../../../src/main/cli/demo-command.ts';
import {
  emptySearchSentence,
  noLibrariesSentence,
} from '../../../src/main/core/feed/commands/picker-commands.ts';
import {
  DEFAULT_LIBRARY_NAME,
  DEFAULT_SITE_HOSTNAME,
  DEFAULT_SITE_PATH,
  DEMO_CLIENT_ID,
  DEMO_USER_PRINCIPAL_NAME,
  OUTSIDER_USER_PRINCIPAL_NAME,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
} from '../../../tools/graph-emulator/index.ts';
import { signInAs } from '../../helpers/device-login.ts';
import { httpRequest, TestFeedClient } from '../../helpers/feed-client.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startTestAgent } from '../../helpers/test-agent.ts';

const siteUrl = `https://${DEFAULT_SITE_HOSTNAME}${DEFAULT_SITE_PATH}`;
/** More libraries and folders than one page of Graph's default page size holds. */
const manyCount = 250;
const archiveLibraries = Array.from(
  { length: manyCount },
  (_, index) => `Archive ${String(index + 1).padStart(3, '0')}`,
);
const bigFolders = Array.from({ length: manyCount }, (_, index) => `Week ${index + 1}`);

/**
 * An emulator with the demo site, an archive site with many libraries, a site without
 * libraries, and a folder with many subfolders; an agent signed in as `user` with a device code.
 * No site is configured: the picker is what chooses it.
 */
async function startSignedIn(user: string) {
  const root = makeTempDir('sitedrop-picker-');
  const sharepointRoot = path.join(root, 'sharepoint');
  for (const name of bigFolders) {
    fs.mkdirSync(path.join(sharepointRoot, DEFAULT_LIBRARY_NAME, 'Big', name), { recursive: true });
  }
  fs.writeFileSync(path.join(sharepointRoot, DEFAULT_LIBRARY_NAME, 'Big', 'not-a-folder.pdf'), 'x');
  const defaults = buildDefaultEmulatorOptions(sharepointRoot);
  const emulator = await startGraphEmulator({
    ...defaults,
    sites: [
      ...(defaults.sites ?? []),
      {
        hostname: DEFAULT_SITE_HOSTNAME,
        path: '/sites/Archive',
        displayName: 'Project Archive',
        libraries: archiveLibraries.map((name) => ({ name })),
      },
      {
        hostname: DEFAULT_SITE_HOSTNAME,
        path: '/sites/Empty',
        displayName: 'Empty Room',
        libraries: [],
      },
    ],
    caFile: path.join(root, 'ca.pem'),
    signIn: { deviceCodeIntervalSeconds: 1 },
  });
  onTestFinished(() => emulator.close());
  const layer = emulatorConfigLayer(emulator);
  const { siteUrl: _unset, ...connection } = layer.sharepoint ?? {};
  const { agent } = await startTestAgent({
    config: { sharepoint: connection, auth: { clientId: DEMO_CLIENT_ID, method: 'delegated' } },
  });
  await signInAs(agent, emulator, user);
  const client = await TestFeedClient.connect(agent.feed);
  return { agent, emulator, client };
}

async function ok<T>(reply: Promise<{ ok: true; result: T } | { ok: false; error: unknown }>) {
  const outcome = await reply;
  if (!outcome.ok) throw new Error(`expected a result, got ${JSON.stringify(outcome.error)}`);
  return outcome.result;
}

describe('the site, library and folder picker (signed in, against the emulator)', () => {
  it('lists the sites Dana follows, finds sites by search and by a pasted site or library address', async () => {
    const { client } = await startSignedIn(DEMO_USER_PRINCIPAL_NAME);
    const followed = await ok(client.request('listSites', {}));
    expect(followed.source).toBe('followed');
    expect(followed.sites.map((site) => site.name)).toEqual(
      expect.arrayContaining(['Site Office', 'Project Archive', 'Empty Room']),
    );

    const searched = await ok(client.request('listSites', { query: 'archive' }));
    expect(searched).toMatchObject({ source: 'search', notice: null });
    expect(searched.sites.map((site) => site.name)).toEqual(['Project Archive']);

    const pasted = await ok(client.request('listSites', { url: siteUrl }));
    expect(pasted).toMatchObject({ source: 'url', libraryId: null });
    expect(pasted.sites).toEqual([
      { id: expect.stringContaining(DEFAULT_SITE_HOSTNAME), name: 'Site Office', webUrl: siteUrl },
    ]);

    const libraries = await ok(client.request('listLibraries', { siteId: pasted.sites[0]!.id }));
    const documents = libraries.libraries.find((library) => library.name === DEFAULT_LIBRARY_NAME);
    const intoLibrary = await ok(
      client.request('listSites', { url: `${documents!.webUrl}/Forms/AllItems.aspx` }),
    );
    expect(intoLibrary.libraryId).toBe(documents!.id);
  });

  it('says so when a search finds nothing and when a site has no libraries', async () => {
    const { client } = await startSignedIn(DEMO_USER_PRINCIPAL_NAME);
    const query = 'no such office anywhere';
    expect(await ok(client.request('listSites', { query }))).toEqual({
      source: 'search',
      sites: [],
      libraryId: null,
      notice: emptySearchSentence(query),
    });
    const [empty] = (await ok(client.request('listSites', { query: 'empty room' }))).sites;
    expect(await ok(client.request('listLibraries', { siteId: empty!.id }))).toEqual({
      libraries: [],
      notice: noLibrariesSentence,
    });
  });

  it('follows every page of libraries and of folders to the end, and lists folders only', async () => {
    const { client, emulator } = await startSignedIn(DEMO_USER_PRINCIPAL_NAME);
    const [archive] = (await ok(client.request('listSites', { query: 'archive' }))).sites;
    const libraries = await ok(client.request('listLibraries', { siteId: archive!.id }));
    expect(libraries.libraries.map((library) => library.name)).toEqual(archiveLibraries);
    const drivePages = emulator.requestLog.filter((record) => record.path.endsWith('/drives'));
    expect(drivePages.length).toBeGreaterThan(1);

    const [site] = (await ok(client.request('listSites', { url: siteUrl }))).sites;
    const { libraries: siteLibraries } = await ok(
      client.request('listLibraries', { siteId: site!.id }),
    );
    const driveId = siteLibraries[0]!.id;
    const top = await ok(client.request('listFolders', { driveId }));
    expect(top.folder.path).toBe('');
    const big = top.folders.find((folder) => folder.name === 'Big');
    expect(big).toMatchObject({ path: 'Big' });
    const inside = await ok(client.request('listFolders', { driveId, itemId: big!.id }));
    expect(inside.folder).toMatchObject({ id: big!.id, path: 'Big' });
    expect(inside.folders.map((folder) => folder.name).sort()).toEqual([...bigFolders].sort());
    expect(inside.folders[0]!.path).toBe(`Big/${inside.folders[0]!.name}`);
  });

  it("tells Sam, who may open no site, that he can't open it and whom to ask", async () => {
    const { client, agent } = await startSignedIn(OUTSIDER_USER_PRINCIPAL_NAME);
    expect((await ok(client.request('listSites', {}))).sites).toEqual([]);
    const searched = await ok(client.request('listSites', { query: 'site office' }));
    expect(searched.notice).toBe(emptySearchSentence('site office'));
    const denied = await client.request('listSites', { url: siteUrl });
    expect(denied).toMatchObject({
      ok: false,
      error: {
        code: 'picker.access-denied',
        message: "Sam can't open this site: ask its owner to share it or grant Sites.Selected.",
      },
    });
    const overHttp = await httpRequest(
      agent.feed.port,
      'GET',
      `/api/sites?url=${encodeURIComponent(siteUrl)}`,
      { token: agent.feed.token },
    );
    expect(overHttp.status).toBe(403);
    expect(overHttp.json).toMatchObject({ code: 'picker.access-denied' });
  });
});
