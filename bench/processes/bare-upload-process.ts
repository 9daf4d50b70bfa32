/**
 * A bench child: the floor for delivery. The same HTTP stack as the agent (node:https with one
 * keep-alive https.Agent) against the same emulator process, doing only what an upload needs:
 * `simple` reads each file and PUTs it with `concurrency` workers; `session` opens an upload
 * session and PUTs the file's ranges in order, each read from disk into one reused buffer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BareGraphClient } from '../lib/emulator-client.ts';
import { crossProcessNowMs } from '../lib/cross-process-clock.ts';
import { readChildArguments, readMemory, sampleRss, serveParent } from '../lib/serve-parent.ts';
import type { EmulatorInfo } from './emulator-process.ts';

/** What the driver passes to the bare uploader. */
export interface BareUploadArguments {
  emulator: EmulatorInfo;
  concurrency: number;
}

/** What one bare run measured. */
export interface BareUploadRun {
  fileCount: number;
  failures: number;
  startedAtMs: number;
  endedAtMs: number;
  cpuMicros: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
}

const options = readChildArguments<BareUploadArguments>();
const client = new BareGraphClient(options.emulator, options.concurrency);
const driveId = await client.connect();
const base = options.emulator.graphBaseUrl;

async function uploadFiles(args: { folder: string; targetFolder: string }): Promise<BareUploadRun> {
  const names = listFiles(args.folder);
  let next = 0;
  let failures = 0;
  const rssBeforeBytes = process.memoryUsage.rss();
  const sampler = sampleRss();
  const cpuBefore = process.cpuUsage();
  const startedAtMs = crossProcessNowMs();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (;;) {
        const name = names[next];
        next += 1;
        if (name === undefined) return;
        const content = await fs.promises.readFile(path.join(args.folder, name));
        const target = `${args.targetFolder}/${name}`.split('/').map(encodeURIComponent).join('/');
        const response = await client.request(
          'PUT',
          `${base}/drives/${driveId}/root:/${target}:/content`,
          content,
          { 'content-type': 'application/octet-stream' },
        );
        if (response.status !== 201 && response.status !== 200) failures += 1;
      }
    }),
  );
  const endedAtMs = crossProcessNowMs();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    fileCount: names.length,
    failures,
    startedAtMs,
    endedAtMs,
    cpuMicros: cpu.user + cpu.system,
    rssBeforeBytes,
    peakRssBytes: sampler.stop(),
  };
}

async function uploadSession(args: {
  file: string;
  target: string;
  chunkBytes: number;
}): Promise<BareUploadRun> {
  const sizeBytes = fs.statSync(args.file).size;
  const rssBeforeBytes = process.memoryUsage.rss();
  const sampler = sampleRss();
  const cpuBefore = process.cpuUsage();
  const startedAtMs = crossProcessNowMs();
  const target = args.target.split('/').map(encodeURIComponent).join('/');
  const created = await client.request(
    'POST',
    `${base}/drives/${driveId}/root:/${target}:/createUploadSession`,
    Buffer.from(JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': 'replace' } })),
    { 'content-type': 'application/json' },
  );
  const { uploadUrl } = JSON.parse(created.body.toString()) as { uploadUrl: string };
  const handle = await fs.promises.open(args.file, 'r');
  const buffer = Buffer.allocUnsafe(args.chunkBytes);
  let failures = 0;
  try {
    for (let offset = 0; offset < sizeBytes; offset += args.chunkBytes) {
      const length = Math.min(args.chunkBytes, sizeBytes - offset);
      await handle.read(buffer, 0, length, offset);
      const response = await client.request(
        'PUT',
        uploadUrl,
        buffer.subarray(0, length),
        {
          'content-range': `bytes ${offset}-${offset + length - 1}/${sizeBytes}`,
        },
        false,
      );
      if (response.status >= 300) failures += 1;
    }
  } finally {
    await handle.close();
  }
  const endedAtMs = crossProcessNowMs();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    fileCount: 1,
    failures,
    startedAtMs,
    endedAtMs,
    cpuMicros: cpu.user + cpu.system,
    rssBeforeBytes,
    peakRssBytes: sampler.stop(),
  };
}

function listFiles(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

serveParent({
  uploadFiles: (args) => uploadFiles(args as { folder: string; targetFolder: string }),
  uploadSession: (args) =>
    uploadSession(args as { file: string; target: string; chunkBytes: number }),
  memory: () => readMemory(),
  close: () => client.close(),
});
