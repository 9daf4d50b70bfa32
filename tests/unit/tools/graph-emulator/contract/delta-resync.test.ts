// Graph contract: a delta token the service cannot serve answers 410 Gone with a Location that
// starts a fresh enumeration (api-reference/v1.0/api/driveitem-delta.md, after Example 2), and a
// deltaLink outlives an emulator restart, reporting what changed while it was stopped.

import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEmulator } from '../emulator-client.ts';
import type { TestEmulator } from '../emulator-client.ts';
import { CONTROL_TOKEN_HEADER } from '../../../../../tools/graph-emulator/index.ts';
import { idsOf, lastOccurrences, putFile, readRound } from './delta-client.ts';

interface GoneBody {
  error: { code: string; innerError: { code?: string } };
}

const opened: TestEmulator[] = [];

afterEach(async () => {
  for (const test of opened.splice(0).reverse()) await test.close();
});

async function start(rootDir?: string): Promise<{ test: TestEmulator; driveId: string }> {
  const test = await startTestEmulator({}, rootDir);
  opened.push(test);
  return { test, driveId: await test.driveId() };
}

describe('410 resync (driveitem-delta.md, "HTTP 410 Gone … and a Location header")', () => {
  it("driveitem-delta.md: after the control call that invalidates a drive's tokens, a deltaLink answers 410 resyncRequired (resyncChangesApplyDifferences) with a Location that enumerates everything again", async () => {
    const { test, driveId } = await start();
    const file = await putFile(test, driveId, 'Responses/answer.pdf', 'answer');
    const { deltaLink } = await readRound(test, `/v1.0/drives/${driveId}/root/delta`);
    const invalidated = await test.call('/_emulator/delta/invalidate', {
      method: 'POST',
      auth: false,
      headers: { [CONTROL_TOKEN_HEADER]: test.emulator.controlToken },
      body: JSON.stringify({ driveId }),
    });
    expect(invalidated.status).toBe(204);
    const gone = await test.call(deltaLink);
    expect(gone.status).toBe(410);
    expect(gone.json<GoneBody>().error).toMatchObject({
      code: 'resyncRequired',
      innerError: { code: 'resyncChangesApplyDifferences' },
    });
    const location = String(gone.headers['location']);
    expect(location).toMatch(/^https:\/\/.*\/delta/);
    const again = await readRound(test, location);
    expect(idsOf(again.items)).toContain(file.id);
    const next = await test.call(again.deltaLink);
    expect(next.status).toBe(200);
  });

  it('driveitem-delta.md (resyncChangesUploadDifferences): the in-process call may name the other documented code', async () => {
    const { test, driveId } = await start();
    const { deltaLink } = await readRound(test, `/v1.0/drives/${driveId}/root/delta`);
    test.emulator.remote.invalidateDeltaTokens({ code: 'resyncChangesUploadDifferences' });
    const gone = await test.call(deltaLink);
    expect(gone.status).toBe(410);
    expect(gone.json<GoneBody>().error.innerError.code).toBe('resyncChangesUploadDifferences');
  });

  it('driveitem-delta.md: fault rule resyncDelta answers 410 with a Location once, then delta works again', async () => {
    const { test, driveId } = await start();
    const file = await putFile(test, driveId, 'f.txt', 'f');
    test.emulator.faults.add({ path: '/delta', resyncDelta: true, times: 1 });
    const gone = await test.call(`/v1.0/drives/${driveId}/root/delta`);
    expect(gone.status).toBe(410);
    const round = await readRound(test, String(gone.headers['location']));
    expect(idsOf(round.items)).toContain(file.id);
  });
});

describe('delta across restarts (resources/driveitem.md: id; driveitem-delta.md)', () => {
  it('a deltaLink taken before a restart reports the files added, changed and removed on disk while the emulator was stopped, under their ids', async () => {
    const first = await start();
    const kept = await putFile(first.test, first.driveId, 'Responses/kept.txt', 'kept');
    const changed = await putFile(first.test, first.driveId, 'Responses/changed.txt', 'v1');
    const removed = await putFile(first.test, first.driveId, 'Responses/removed.txt', 'bye');
    const { deltaLink } = await readRound(first.test, `/v1.0/drives/${first.driveId}/root/delta`);
    await first.test.emulator.close();

    const library = path.join(first.test.rootDir, 'Documents', 'Responses');
    await writeFile(path.join(library, 'changed.txt'), 'version two');
    await rm(path.join(library, 'removed.txt'));
    await writeFile(path.join(library, 'added.txt'), 'new');

    const second = await start(first.test.rootDir);
    // The new process listens on another port; the token in the link is what must survive.
    const moved = deltaLink.replace(new URL(deltaLink).origin, second.test.emulator.authorityHost);
    const round = await readRound(second.test, moved, { deltaExcludeParent: 'true' });
    const seen = lastOccurrences(round.items);
    expect(seen.has(kept.id)).toBe(false);
    expect(seen.get(changed.id)).toMatchObject({ name: 'changed.txt', size: 'version two'.length });
    expect(seen.get(removed.id)?.deleted).toEqual({ state: 'deleted' });
    const added = [...seen.values()].find((item) => item.name === 'added.txt');
    expect(added?.id).toMatch(/^01/);
    const byPath = await second.test.call(
      `/v1.0/drives/${second.driveId}/root:/Responses/added.txt`,
    );
    expect(byPath.json<{ id: string }>().id).toBe(added?.id);
  });
});
