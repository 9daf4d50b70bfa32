import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestFeedClient } from '../../helpers/feed-client.ts';
import { listAllItems, startTestAgent } from '../../helpers/test-agent.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const clientId = '3f6b2c1d-8e4a-4b7f-a2c9-5e1d7f3a9b24';
const tenantId = '5d1c0a6e-7f3b-4c2a-9e51-0d3e5a7b9c11';

describe('switching the sign-in method', () => {
  it('keeps every queued file queued, under the same item, in both directions', async () => {
    const { agent, folderPaths } = await startTestAgent({
      config: {
        sharepoint: { siteUrl: 'https://contoso.sharepoint.com/sites/Office' },
        auth: { tenantId, clientId, method: 'secret' },
      },
    });
    for (const name of ['a.pdf', 'b.pdf']) {
      fs.writeFileSync(path.join(folderPaths[0]!, name), `${name} waits for a sign-in`);
    }
    const queued = await waitFor(
      () => {
        const items = listAllItems(agent.store);
        return items.length === 2 && items.every((item) => item.state === 'queued')
          ? items
          : undefined;
      },
      { description: 'both files to be queued' },
    );
    expect(agent.delivery.connectionState().detail).toMatch(/no client secret is stored/);

    const client = await TestFeedClient.connect(agent.feed);
    expect(
      await client.request('saveSettings', { config: { auth: { method: 'delegated' } } }),
    ).toMatchObject({ ok: true });
    await agent.whenSettled();
    expect(agent.config.auth.method).toBe('delegated');
    expect(agent.delivery.connectionState()).toMatchObject({
      status: 'not-configured',
      detail: expect.stringMatching(/nobody is signed in/),
    });
    expect(listAllItems(agent.store)).toEqual(queued);

    expect(
      await client.request('saveSettings', { config: { auth: { method: 'secret' } } }),
    ).toMatchObject({ ok: true });
    await agent.whenSettled();
    expect(agent.config.auth.method).toBe('secret');
    expect(listAllItems(agent.store)).toEqual(queued);
  });
});
