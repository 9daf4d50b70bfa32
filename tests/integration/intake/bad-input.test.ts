import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAllItems, startTestAgent } from '../../helpers/test-agent.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { sleep, waitFor } from '../../helpers/wait-for.ts';

const validRequest = {
  request_id: 'REQ-2026-0042',
  device_id: 'tablet-north-yard-03',
  timestamp: '2026-11-21T09:30:00Z',
  site: 'North Yard',
  crew: 'B',
  parts: [{ part_number: 'HX-220', quantity: 4 }],
};

describe('intake: request files and names SharePoint refuses', () => {
  it('queues a valid request file with its fields as metadata', async () => {
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ requests: { enabled: true } }],
    });
    fs.writeFileSync(
      path.join(folderPaths[0]!, 'REQ-2026-0042.request.json'),
      JSON.stringify(validRequest),
    );
    const item = await waitFor(() => listAllItems(agent.store)[0]);
    expect(item.state).toBe('queued');
    expect(item.request).toEqual(validRequest);
  });

  it('queues the set-aside item again when the corrected file is dropped under the same name', async () => {
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ requests: { enabled: true } }],
    });
    const folder = folderPaths[0]!;
    const file = path.join(folder, 'REQ-2026-0042.request.json');
    fs.writeFileSync(file, JSON.stringify({ ...validRequest, timestamp: 'yesterday' }));
    const setAside = await waitFor(() =>
      listAllItems(agent.store).find((item) => item.state === 'quarantined'),
    );

    fs.writeFileSync(file, JSON.stringify(validRequest));
    await waitFor(() => agent.store.getItem(setAside.id)?.state === 'queued', {
      description: 'the set-aside item queued again',
    });
    const items = listAllItems(agent.store);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: setAside.id,
      request: validRequest,
      lastErrorCode: null,
    });
    expect(items.filter((item) => item.state === 'quarantined')).toEqual([]);
  });

  it('quarantines an invalid request with an error file that says what is wrong and how to fix it', async () => {
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ requests: { enabled: true } }],
    });
    const folder = folderPaths[0]!;
    fs.mkdirSync(path.join(folder, 'north'));
    const bad = {
      ...validRequest,
      timestamp: 'yesterday',
      parts: [{ part_number: 'HX-220', quantity: 0 }],
    };
    fs.writeFileSync(path.join(folder, 'north', 'order.json'), JSON.stringify(bad));
    fs.writeFileSync(path.join(folder, 'north', 'broken.json'), '{"request_id": "R1",');
    fs.writeFileSync(path.join(folder, 'north', 'fine.json'), JSON.stringify(validRequest));

    await waitFor(() => listAllItems(agent.store).length === 3, { description: 'three items' });
    const byPath = new Map(listAllItems(agent.store).map((item) => [item.relativePath, item]));
    expect(byPath.get('north/fine.json')?.state).toBe('queued');
    const order = byPath.get('north/order.json')!;
    expect(order.state).toBe('quarantined');
    expect(order.lastErrorCode).toBe('input.invalid-request');
    expect(order.lastErrorMessage).toContain('timestamp: found "yesterday"');

    const quarantined = path.join(folder, '_quarantine', 'north', 'order.json');
    expect(fs.existsSync(path.join(folder, 'north', 'order.json'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(quarantined, 'utf8'))).toEqual(bad);
    const report = fs.readFileSync(`${quarantined}.error.txt`, 'utf8');
    expect(report).toContain(`File:        ${path.join(folder, 'north', 'order.json')}`);
    expect(report).toContain(
      'Field "timestamp": found "yesterday"; expected a date and time in ISO-8601 form',
    );
    expect(report).toContain(
      'Field "parts[0].quantity": found 0; expected a whole number of 1 or more.',
    );
    expect(report).toContain('How to fix it:');
    const event = agent.store
      .readEventsSince(0, 100)
      .find((entry) => entry.type === 'item.quarantined' && entry.data.itemId === order.id);
    expect(event?.data).toMatchObject({ quarantinePath: quarantined });
    // What the item's page and sitedrop status show: the note's path and each of its problems.
    expect(event?.type === 'item.quarantined' && event.data).toMatchObject({
      notePath: `${quarantined}.error.txt`,
      problems: [
        expect.stringMatching(/^Field "timestamp": found "yesterday"; expected a date and time/),
        'Field "parts[0].quantity": found 0; expected a whole number of 1 or more.',
      ],
    });

    expect(
      fs.readFileSync(path.join(folder, '_quarantine', 'north', 'broken.json.error.txt'), 'utf8'),
    ).toContain('The file: found text that is not valid JSON');

    // The same bad name again goes beside the first, not over it.
    fs.writeFileSync(path.join(folder, 'north', 'order.json'), '[]');
    await waitFor(() =>
      fs.existsSync(path.join(folder, '_quarantine', 'north', 'order (2).json.error.txt')),
    );
  });

  it('renames names SharePoint refuses, avoiding collisions, when the folder says rename', async () => {
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ target: { folderPath: 'In' } }],
    });
    const folder = folderPaths[0]!;
    for (const name of ['plan: v2?.pdf', 'plan_ v2_.pdf', 'CON.txt', 'notes .txt']) {
      fs.writeFileSync(path.join(folder, name), name);
    }
    await waitFor(() => listAllItems(agent.store).length === 4, { description: 'four items' });
    const targets = Object.fromEntries(
      listAllItems(agent.store).map((item) => [item.relativePath, item.targetPath]),
    );
    expect(targets['plan_ v2_.pdf']).toBe('In/plan_ v2_.pdf');
    expect(targets['plan: v2?.pdf']).toMatch(/^In\/plan_ v2_~[0-9a-f]{8}\.pdf$/);
    expect(targets['CON.txt']).toBe('In/CON_.txt');
    expect(targets['notes .txt']).toBe('In/notes .txt');
    expect(listAllItems(agent.store).every((item) => item.state === 'queued')).toBe(true);
  });

  it('quarantines refused names with the reason when the folder says quarantine', async () => {
    const { agent, folderPaths } = await startTestAgent({
      folders: [{ invalidNames: 'quarantine' }],
    });
    const folder = folderPaths[0]!;
    fs.writeFileSync(path.join(folder, 'price|list.xlsx'), 'x');
    const item = await waitFor(() => listAllItems(agent.store)[0]);
    expect(item.state).toBe('quarantined');
    expect(item.lastErrorMessage).toContain('"|"');
    const report = fs.readFileSync(
      path.join(folder, '_quarantine', 'price|list.xlsx.error.txt'),
      'utf8',
    );
    expect(report).toContain('for example to "price_list.xlsx"');
  });

  it('never crashes on names that are not UTF-8, very long names, or links pointing outside', async () => {
    const outside = makeTempDir();
    fs.writeFileSync(path.join(outside, 'secret.pdf'), 'outside the watched folder');
    const { agent, folderPaths } = await startTestAgent();
    const folder = folderPaths[0]!;
    fs.writeFileSync(
      Buffer.concat([
        Buffer.from(`${folder}/bad-`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('.pdf'),
      ]),
      'x',
    );
    fs.symlinkSync(path.join(outside, 'secret.pdf'), path.join(folder, 'link.pdf'));
    fs.symlinkSync(outside, path.join(folder, 'linked-folder'));
    fs.writeFileSync(path.join(folder, `${'long-'.repeat(50)}.pdf`), 'long');
    fs.writeFileSync(path.join(folder, 'ok.pdf'), 'ok');
    await agent.intake.rescanNow();
    await waitFor(() => listAllItems(agent.store).length >= 2, { description: 'two items' });
    await sleep(500);
    expect(
      listAllItems(agent.store)
        .map((item) => item.relativePath)
        .sort(),
    ).toEqual([`${'long-'.repeat(50)}.pdf`, 'ok.pdf']);
    expect(agent.intake.folderHealth()['folder-1']?.isAvailable).toBe(true);
  });
});
