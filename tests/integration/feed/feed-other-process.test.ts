import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { emulatorConfigLayer, MemorySecretStore } from '../../../src/main/cli/demo-command.ts';
import { startAgent } from '../../../src/main/core/agent.ts';
import { mergeConfigValues } from '../../../src/main/core/config/index.ts';
import { secretNames } from '../../../src/main/core/platform.ts';
import type { LoggedEvent } from '../../../src/shared/events.ts';
import type { ServerMessage } from '../../../src/shared/feed-protocol.ts';
import {
  DEMO_CLIENT_SECRET,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
} from '../../../tools/graph-emulator/index.ts';
import { cliEnvironment, runCli } from '../../helpers/cli.ts';
import { TestFeedClient } from '../../helpers/feed-client.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { listAllItems } from '../../helpers/test-agent.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const isItemEvent =
  (type: LoggedEvent['type'], itemId: number) =>
  (message: ServerMessage): message is Extract<ServerMessage, { type: 'event' }> =>
    message.type === 'event' &&
    message.event.type === type &&
    (message.event.data as { itemId?: number }).itemId === itemId;

describe('events written by another process (sitedrop retry beside the running agent)', () => {
  it('reach a connected client within two seconds, and delivery picks the item up', async () => {
    const dir = makeTempDir('sitedrop-other-process-');
    const emulator = await startGraphEmulator({
      ...buildDefaultEmulatorOptions(path.join(dir, 'sharepoint')),
      caFile: path.join(dir, 'ca.pem'),
    });
    onTestFinished(() => emulator.close());
    const forbidden = emulator.faults.add({ method: 'PUT', path: '/content', status: 403 });
    const dataDir = path.join(dir, 'data');
    const watchDir = path.join(dir, 'requests');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.mkdirSync(watchDir, { recursive: true });
    const config = mergeConfigValues(emulatorConfigLayer(emulator), {
      folders: [
        { id: 'requests', path: watchDir, stabilityWindowMs: 200, target: { folderPath: 'In' } },
      ],
      intake: { folderCheckIntervalMs: 200 },
    });
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify(config));
    const agent = await startAgent({
      dataDir,
      defaults: {},
      policyPath: path.join(dataDir, 'no-policy.json'),
      secretStore: new MemorySecretStore({ [secretNames.clientSecret]: DEMO_CLIENT_SECRET }),
      feedPort: 0,
    });
    onTestFinished(() => agent.close('test finished'));
    fs.writeFileSync(path.join(watchDir, 'permit-a.pdf'), 'permit a');
    fs.writeFileSync(path.join(watchDir, 'permit-b.pdf'), 'permit b');
    await waitFor(() => agent.store.countsByState().failed === 2, { timeoutMs: 15_000 });
    const [itemB, itemA] = listAllItems(agent.store);
    emulator.faults.remove(forbidden);

    const client = await TestFeedClient.connect({ port: agent.feed.port, token: agent.feed.token });
    await client.waitFor((message): message is ServerMessage => message.type === 'snapshot');
    const env = cliEnvironment(dir);

    // 1. With delivery paused, the agent itself publishes nothing: only the feed's look at the
    //    log can bring the other process's event to the client.
    agent.delivery.pause(null);
    const beforeA = client.received.length;
    const retryA = runCli(['retry', String(itemA!.id), '--data-dir', dataDir], env);
    expect(retryA.exitCode, retryA.stderr).toBe(0);
    await client.waitFor(isItemEvent('item.queued', itemA!.id), beforeA, 2_000);
    agent.delivery.resume(null);
    await client.waitFor(isItemEvent('item.delivered', itemA!.id), beforeA, 10_000);

    // 2. With delivery running, the worker finds the re-queued item by itself (it looks at the
    //    store every two seconds), and every client hears each step once, in order.
    const beforeB = client.received.length;
    const retryB = runCli(['retry', String(itemB!.id), '--data-dir', dataDir], env);
    expect(retryB.exitCode, retryB.stderr).toBe(0);
    await client.waitFor(isItemEvent('item.delivered', itemB!.id), beforeB, 4_000);
    const seqs = client.events().map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(
      client
        .events()
        .filter((event) => (event.data as { itemId?: number }).itemId === itemB!.id)
        .map((event) => event.type),
    ).toEqual(['item.queued', 'item.uploading', 'item.verifying', 'item.delivered']);
    expect(
      fs.readFileSync(path.join(emulator.rootDir, 'Documents', 'In', 'permit-b.pdf'), 'utf8'),
    ).toBe('permit b');
  });
});
