/**
 * A bench child: the floor for bringing a response back. The same HTTP stack as the agent
 * (node:https, one keep-alive https.Agent) against the same emulator process, doing only what a
 * download needs: read the item's pre-authenticated download URL, stream its body into a
 * temporary file, fsync it and rename it into place.
 */
import fs from 'node:fs';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { BareGraphClient } from '../lib/emulator-client.ts';
import { crossProcessNowMs } from '../lib/cross-process-clock.ts';
import { readChildArguments, sampleRss, serveParent } from '../lib/serve-parent.ts';
import type { EmulatorInfo } from './emulator-process.ts';

/** What one bare download measured. */
export interface BareDownloadRun {
  sizeBytes: number;
  startedAtMs: number;
  endedAtMs: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
}

const options = readChildArguments<{ emulator: EmulatorInfo }>();
const client = new BareGraphClient(options.emulator, 1);
const driveId = await client.connect();

async function download(args: { itemId: string; target: string }): Promise<BareDownloadRun> {
  const rssBeforeBytes = process.memoryUsage.rss();
  const sampler = sampleRss();
  const startedAtMs = crossProcessNowMs();
  const item = await client.request(
    'GET',
    `${options.emulator.graphBaseUrl}/drives/${driveId}/items/${args.itemId}?$select=id,@microsoft.graph.downloadUrl`,
  );
  const url = (JSON.parse(item.body.toString()) as Record<string, string>)[
    '@microsoft.graph.downloadUrl'
  ];
  if (!url) throw new Error(`no download URL (${item.status})`);
  const temporary = `${args.target}.partial`;
  await new Promise<void>((resolve, reject) => {
    https
      .get(url, { agent: client.agent }, (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`the download URL answered ${response.statusCode}`));
          response.resume();
          return;
        }
        pipeline(response, fs.createWriteStream(temporary)).then(resolve, reject);
      })
      .on('error', reject);
  });
  const handle = await fs.promises.open(temporary, 'r+');
  await handle.sync();
  await handle.close();
  await fs.promises.rename(temporary, args.target);
  const endedAtMs = crossProcessNowMs();
  const { size } = await fs.promises.stat(args.target);
  return { sizeBytes: size, startedAtMs, endedAtMs, rssBeforeBytes, peakRssBytes: sampler.stop() };
}

serveParent({
  download: (args) => download(args as { itemId: string; target: string }),
  close: () => client.close(),
});
