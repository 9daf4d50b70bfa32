import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { ConfigSchema, type ConfigInput } from '../../../src/shared/config-schema.ts';
import type { LoggedEvent } from '../../../src/shared/events.ts';
import { QuickXorHash } from '../../../src/shared/quick-xor-hash.ts';
import type { ItemState } from '../../../src/shared/item-state.ts';
import { emulatorConfigLayer, MemorySecretStore } from '../../../src/main/cli/demo-command.ts';
import { mergeConfigValues } from '../../../src/main/core/config/index.ts';
import { startDelivery, type Delivery } from '../../../src/main/core/delivery/index.ts';
import { EventBus } from '../../../src/main/core/events/index.ts';
import { systemClock, type Clock } from '../../../src/main/core/lifecycle/index.ts';
import { SecretRedactor } from '../../../src/main/core/logging/index.ts';
import { secretNames } from '../../../src/main/core/platform.ts';
import { Store, type Item } from '../../../src/main/core/store/index.ts';
import { pino } from 'pino';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
  type GraphEmulator,
  type GraphEmulatorOptions,
} from '../../../tools/graph-emulator/index.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/** Options of a delivery test bench. */
export interface BenchOptions {
  emulator?: Partial<GraphEmulatorOptions>;
  /** Config on top of the emulator layer (folders default to one folder "requests"). */
  config?: ConfigInput | ((watchDir: string) => ConfigInput);
  clientSecret?: string | null;
  clock?: Clock;
}

/**
 * A delivery test bench: the real emulator over HTTPS, a real SQLite store in a temp data
 * directory, a watched folder, and startDelivery with the real msal-node and Graph client.
 */
export async function startBench(options: BenchOptions = {}) {
  const dir = makeTempDir('sitedrop-delivery-');
  const dataDir = path.join(dir, 'data');
  const watchDir = path.join(dir, 'requests');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.mkdirSync(watchDir, { recursive: true });
  const emulator = await startGraphEmulator({
    ...buildDefaultEmulatorOptions(path.join(dir, 'sharepoint')),
    caFile: path.join(dir, 'ca.pem'),
    ...options.emulator,
  });
  onTestFinished(() => emulator.close());
  const layers = [
    {
      folders: [{ id: 'requests', path: watchDir, target: { folderPath: 'Incoming' } }],
      delivery: { retry: { inProcessDelaysMs: [20, 40, 80] } },
    },
    emulatorConfigLayer(emulator),
    typeof options.config === 'function' ? options.config(watchDir) : (options.config ?? {}),
  ] as Record<string, unknown>[];
  const config = ConfigSchema.parse(
    layers.reduce((merged, layer) => mergeConfigValues(merged, layer), {}),
  );
  const clock = options.clock ?? systemClock;
  const events: LoggedEvent[] = [];
  const progress: { itemId: number; sentBytes: number }[] = [];
  const bus = new EventBus((error) => {
    throw error;
  });
  bus.onDidAny((event) => {
    if (event.seq !== undefined) events.push(event);
    else if (event.type === 'item.progress') progress.push(event.data);
  });
  const store = Store.open({ dataDir, clock, bus });
  onTestFinished(() => store.close());
  const secret = options.clientSecret === undefined ? DEMO_CLIENT_SECRET : options.clientSecret;
  const secretStore = new MemorySecretStore(
    secret === null ? {} : { [secretNames.clientSecret]: secret },
  );
  const redactor = new SecretRedactor();
  const logLines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void logLines.push(redactor.redactText(line)) },
  );
  let delivery: Delivery | undefined;

  const bench = {
    dir,
    dataDir,
    watchDir,
    emulator,
    config,
    store,
    bus,
    clock,
    events,
    progress,
    secretStore,
    redactor,
    logLines,
    get delivery(): Delivery {
      if (!delivery) throw new Error('start() the delivery first');
      return delivery;
    },
    async start(): Promise<Delivery> {
      delivery = await startDelivery({
        config,
        store,
        bus,
        logger,
        clock,
        secretStore,
        redactor,
        pollIntervalMs: 200,
      });
      const started = delivery;
      onTestFinished(() => started.close());
      return delivery;
    },
    /** Writes a file in the watched folder and queues it as intake would. */
    dropFile(
      relativePath: string,
      content: Buffer | string,
      request?: Record<string, unknown>,
    ): Item {
      const filePath = path.join(watchDir, ...relativePath.split('/'));
      fs.mkdirSync(path.dirname(filePath), { recursive: true });
      fs.writeFileSync(filePath, content);
      return bench.queueExisting(relativePath, request);
    },
    /** Queues a file already in the watched folder. */
    queueExisting(relativePath: string, request?: Record<string, unknown>): Item {
      const filePath = path.join(watchDir, ...relativePath.split('/'));
      const stat = fs.statSync(filePath);
      return store.insertItem(
        {
          folderId: 'requests',
          relativePath,
          sizeBytes: stat.size,
          mtimeMs: Math.trunc(stat.mtimeMs),
          quickXorHash: hashFile(filePath),
          targetPath: `Incoming/${relativePath}`,
          ...(request ? { request } : {}),
        },
        'queued',
        { folderId: 'requests', path: relativePath, sizeBytes: stat.size, reason: 'new' },
      );
    },
    /** Waits until the item is in one of the states (polling the store). */
    async waitForState(itemId: number, states: ItemState[], timeoutMs = 20_000): Promise<Item> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const item = store.getItem(itemId);
        if (item && states.includes(item.state)) return item;
        if (Date.now() > deadline) {
          throw new Error(
            `item ${itemId} is ${item?.state} (${item?.lastErrorCode}: ${item?.lastErrorMessage}), not ${states.join('/')}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    /** The delivered file on the emulator's disk. */
    remotePath(libraryRelativePath: string, library = 'Documents'): string {
      return path.join(emulator.rootDir, library, ...libraryRelativePath.split('/'));
    },
    requests(filter: { method?: string; pathIncludes?: string } = {}) {
      return emulator.requestLog.filter(
        (record) =>
          (filter.method === undefined || record.method === filter.method) &&
          (filter.pathIncludes === undefined || record.path.includes(filter.pathIncludes)),
      );
    },
  };
  return bench;
}

/** The quickXorHash of a file. */
export function hashFile(filePath: string): string {
  const hash = new QuickXorHash();
  const handle = fs.openSync(filePath, 'r');
  try {
    const buffer = Buffer.alloc(4 * 1024 * 1024);
    for (;;) {
      const read = fs.readSync(handle, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    fs.closeSync(handle);
  }
  return hash.digest();
}

/** Writes a file of pseudo-random bytes (incompressible, deterministic per seed). */
export function writeRandomFile(filePath: string, sizeBytes: number, seed = 1): void {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const handle = fs.openSync(filePath, 'w');
  try {
    let state = seed >>> 0 || 1;
    const block = Buffer.alloc(1024 * 1024);
    let written = 0;
    while (written < sizeBytes) {
      for (let index = 0; index < block.length; index += 4) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        block.writeUInt32LE(state >>> 0, index);
      }
      const length = Math.min(block.length, sizeBytes - written);
      fs.writeSync(handle, block, 0, length);
      written += length;
    }
  } finally {
    fs.closeSync(handle);
  }
}

export type { GraphEmulator };

/** GET a Graph path on the emulator as the demo app (to check what landed, e.g. columns). */
export async function emulatorGraphGet(
  emulator: GraphEmulator,
  graphPath: string,
): Promise<Record<string, unknown>> {
  return httpsJson(emulator, 'GET', `${emulator.graphBaseUrl}${graphPath}`, {
    authorization: `Bearer ${await emulatorToken(emulator)}`,
  });
}

/**
 * A delivered item's driveItem in the bench's library (or a resource under it, e.g.
 * `/listItem/fields`), as Graph serves it.
 */
export async function getDeliveredDriveItem(
  bench: { store: { getMeta(key: string): string | undefined }; emulator: GraphEmulator },
  item: { remoteId: string | null },
  resourcePath = '',
): Promise<Record<string, unknown>> {
  const driveId = bench.store.getMeta(
    'delivery.driveId:https://contoso.sharepoint.com/sites/SiteOffice|documents',
  );
  return emulatorGraphGet(
    bench.emulator,
    `/drives/${encodeURIComponent(driveId ?? '')}/items/${encodeURIComponent(item.remoteId ?? '')}${resourcePath}`,
  );
}

/** An access token of the demo app from the emulator (to act as a person in SharePoint). */
export async function emulatorToken(emulator: GraphEmulator): Promise<string> {
  const tokenResponse = await httpsJson(
    emulator,
    'POST',
    `${emulator.authorityHost}/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
    {
      'content-type': 'application/x-www-form-urlencoded',
    },
    new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      scope: `${emulator.authorityHost}/.default`,
    }).toString(),
  );
  return String(tokenResponse.access_token);
}

function httpsJson(
  emulator: GraphEmulator,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      { method, headers, ca: emulator.caCertificatePem },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
