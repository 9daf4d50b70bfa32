import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { onTestFinished } from 'vitest';
import type { RemoteFile, RemoteFiles } from '../../../src/main/core/delivery/index.ts';
import type { RemoteChange, ResponseRecord } from '../../../src/main/core/store/index.ts';
import {
  bringResponse,
  type DownloadParts,
  type ResponseMapping,
} from '../../../src/main/core/responses/download-response.ts';
import { startResponses, type Responses } from '../../../src/main/core/responses/index.ts';
import { emulatorToken, startBench, type BenchOptions } from '../delivery/harness.ts';
import https from 'node:https';

/**
 * A responses test bench: the delivery bench (the real emulator over HTTPS, a real SQLite
 * store, delivery started with the real Graph client), a local responses folder, and the files
 * head office answers with put into SharePoint by delivery itself, under `Responses/`.
 */
export async function startResponsesBench(options: BenchOptions = {}) {
  const bench = await startBench({
    config: (watchDir) => ({
      folders: [
        {
          id: 'requests',
          path: watchDir,
          target: { folderPath: 'Responses' },
          conflict: 'replace',
        },
      ],
    }),
    ...options,
  });
  await bench.start();
  const remote: RemoteFiles | undefined = bench.delivery.remoteFiles();
  if (!remote) throw new Error('delivery has no tenant configured');
  const controller = new AbortController();
  onTestFinished(() => controller.abort());
  const localFolder = path.join(bench.dir, 'responses-local');
  const mapping: ResponseMapping = {
    mappingId: 'requests',
    library: 'Documents',
    remotePath: 'Responses',
    localFolder,
    maxSizeBytes: 1024 * 1024 * 1024,
    alsoBringExisting: false,
  };
  const parts: DownloadParts = {
    store: bench.store,
    remote,
    logger: pino({ level: 'silent' }),
    signal: controller.signal,
    minimumFreeBytes: 0,
    syncEveryBytes: 64 * 1024,
    findRequestId: () => Promise.resolve(null),
    requestIdOfColumn: () => null,
  };
  const driveId = await remote.driveId('Documents', controller.signal);

  return {
    ...bench,
    remote,
    mapping,
    parts,
    localFolder,
    driveId,
    /** Puts a file into SharePoint's Responses folder (through delivery) and reads it back. */
    async putRemote(name: string, content: Buffer | string): Promise<RemoteFile> {
      const item = bench.dropFile(name, content);
      const delivered = await bench.waitForState(item.id, ['delivered']);
      const file = await remote.readItem(driveId, delivered.remoteId ?? '', controller.signal);
      if (!file) throw new Error(`${name} is not in SharePoint`);
      return file;
    },
    /** Deletes a file in SharePoint, as a person at head office would. */
    async deleteRemote(itemId: string): Promise<void> {
      const token = await emulatorToken(bench.emulator);
      const url = `${bench.emulator.graphBaseUrl}/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}`;
      const status = await new Promise<number>((resolve, reject) => {
        const request = https.request(
          url,
          {
            method: 'DELETE',
            headers: { authorization: `Bearer ${token}` },
            ca: bench.emulator.caCertificatePem,
          },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
          },
        );
        request.on('error', reject);
        request.end();
      });
      if (status !== 204) throw new Error(`DELETE answered ${status}`);
    },
    /** Records a remote file in the inbox as a delta page would. */
    detect(file: RemoteFile, overrides: Partial<RemoteChange> = {}): ResponseRecord {
      const [response] = bench.store.responses.applyDeltaPage('requests', [
        { ...changeOf(file), ...overrides },
      ]);
      if (!response) throw new Error(`${file.name} was not recorded`);
      return response;
    },
    bring(response: ResponseRecord, overrides: Partial<DownloadParts> = {}) {
      return bringResponse(response, mapping, { ...parts, ...overrides });
    },
    /**
     * Starts the return channel on the bench's delivery with one mapping: SharePoint's `Answers`
     * folder into the local responses folder. It checks only when asked (a long interval).
     */
    startResponses(
      options: { alsoBringExisting?: boolean; requestIdColumn?: string } = {},
    ): Responses {
      const folder = bench.config.folders[0]!;
      const config = {
        ...bench.config,
        folders: [
          {
            ...folder,
            responses: {
              enabled: true,
              remotePath: 'Answers',
              localFolder,
              alsoBringExisting: options.alsoBringExisting ?? false,
              requestIdColumn: options.requestIdColumn,
            },
          },
        ],
        responses: { ...bench.config.responses, pollIntervalMs: 3_600_000 },
      };
      const responses = startResponses({
        config,
        store: bench.store,
        logger: pino({ level: 'silent' }),
        clock: bench.clock,
        remoteFiles: () => bench.delivery.remoteFiles(),
        syncEveryBytes: 64 * 1024,
      });
      onTestFinished(() => responses.close());
      return responses;
    },
    /** Head office puts a file into SharePoint's `Answers` folder. */
    async headOfficePuts(name: string, content: Buffer | string): Promise<void> {
      await bench.emulator.remote.putFile({ path: `Answers/${name}` }, content);
    },
    /** The names in the local responses folder a person sees (hidden ones left out). */
    visibleNames(): string[] {
      if (!fs.existsSync(localFolder)) return [];
      return fs
        .readdirSync(localFolder)
        .filter((name) => !name.startsWith('.'))
        .sort();
    },
    partialNames(): string[] {
      const folder = path.join(localFolder, '.sitedrop-partial');
      return fs.existsSync(folder) ? fs.readdirSync(folder) : [];
    },
  };
}

/** A remote file as a delta page lists it. */
export function changeOf(file: RemoteFile): RemoteChange {
  return {
    remoteItemId: file.id,
    isDeleted: false,
    eTag: file.eTag ?? undefined,
    cTag: file.cTag ?? undefined,
    name: file.name,
    sizeBytes: file.sizeBytes,
    quickXorHash: file.quickXorHash ?? undefined,
    remoteModifiedAt: file.remoteModifiedAt ?? undefined,
  };
}
