/**
 * A bench child: the floor for noticing a response and bringing it back. The same HTTP stack as
 * the agent (node:https, one keep-alive https.Agent) against the same emulator process, doing
 * only what a check needs: the folder's delta from the stored delta link, and for each new file
 * its download URL, one GET streamed into a temporary file, fsync and rename into place.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BareGraphClient } from '../lib/emulator-client.ts';
import { crossProcessNowMs } from '../lib/cross-process-clock.ts';
import { readChildArguments, serveParent } from '../lib/serve-parent.ts';
import type { EmulatorInfo } from './emulator-process.ts';

const options = readChildArguments<{ emulator: EmulatorInfo; remoteFolder: string }>();
const client = new BareGraphClient(options.emulator, 1);
const driveId = await client.connect();
const graph = options.emulator.graphBaseUrl;

async function getJson(url: string): Promise<Record<string, unknown>> {
  const answer = await client.request('GET', url);
  if (answer.status !== 200) throw new Error(`GET answered ${answer.status}`);
  return JSON.parse(answer.body.toString()) as Record<string, unknown>;
}

const folder = await getJson(
  `${graph}/drives/${driveId}/root:/${options.remoteFolder}:?$select=id`,
);
let deltaLink = String(
  (await getJson(`${graph}/drives/${driveId}/items/${String(folder.id)}/delta?token=latest`))[
    '@odata.deltaLink'
  ],
);

async function bring(itemId: string, target: string): Promise<void> {
  const item = await getJson(
    `${graph}/drives/${driveId}/items/${itemId}?$select=id,@microsoft.graph.downloadUrl`,
  );
  const temporary = `${target}.partial`;
  await new Promise<void>((resolve, reject) => {
    https
      .get(String(item['@microsoft.graph.downloadUrl']), { agent: client.agent }, (response) => {
        pipeline(response, fs.createWriteStream(temporary)).then(resolve, reject);
      })
      .on('error', reject);
  });
  const handle = await fs.promises.open(temporary, 'r+');
  await handle.sync();
  await handle.close();
  await fs.promises.rename(temporary, target);
}

/** One check: every page of changes since the stored delta link, each new file brought. */
async function check(args: { localFolder: string }) {
  const startedAtMs = crossProcessNowMs();
  const files: Array<{ id: string; name: string }> = [];
  for (let link: string | undefined = deltaLink; link !== undefined;) {
    const page = await getJson(link);
    for (const item of page.value as Array<Record<string, unknown>>) {
      if (item.file !== undefined && item.deleted === undefined) {
        files.push({ id: String(item.id), name: String(item.name) });
      }
    }
    link = page['@odata.nextLink'] as string | undefined;
    if (page['@odata.deltaLink'] !== undefined) deltaLink = String(page['@odata.deltaLink']);
  }
  fs.mkdirSync(args.localFolder, { recursive: true });
  for (const file of files) await bring(file.id, path.join(args.localFolder, file.name));
  return { startedAtMs, endedAtMs: crossProcessNowMs(), count: files.length };
}

serveParent({
  check: (args) => check(args as { localFolder: string }),
  close: () => client.close(),
});
