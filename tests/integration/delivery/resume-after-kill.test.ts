import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { emulatorConfigLayer } from '../../../src/main/cli/demo-command.ts';
import { EventBus } from '../../../src/main/core/events/index.ts';
import { systemClock } from '../../../src/main/core/lifecycle/index.ts';
import { Store } from '../../../src/main/core/store/index.ts';
import {
  DEMO_CLIENT_SECRET,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
} from '../../../tools/graph-emulator/index.ts';
import { CliProcess, cliEnvironment } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { hashFile, writeRandomFile } from './harness.ts';

const chunkBytes = 16 * 327_680;

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function readItem(dataDir: string) {
  const store = Store.open({
    dataDir,
    clock: systemClock,
    bus: new EventBus(() => undefined),
    isRecoveryAllowed: false,
  });
  try {
    return store.listItems({ limit: 10 })[0];
  } finally {
    store.close();
  }
}

describe('a large upload interrupted by a killed agent (real processes)', () => {
  it('resumes from the range the upload session stored, after SIGKILL and a restart', async () => {
    const home = makeTempDir();
    const dataDir = path.join(home, 'data');
    const watchDir = path.join(home, 'requests');
    const emulator = await startGraphEmulator({
      ...buildDefaultEmulatorOptions(path.join(home, 'sharepoint')),
      caFile: path.join(home, 'ca.pem'),
    });
    onTestFinished(() => emulator.close());
    const configPath = path.join(home, 'config.json');
    fs.writeFileSync(
      configPath,
      JSON.stringify({
        folders: [{ id: 'requests', path: watchDir, stabilityWindowMs: 200 }],
        ...emulatorConfigLayer(emulator),
        delivery: { chunkSizeBytes: chunkBytes },
      }),
    );
    const size = 40 * 1024 * 1024 + 4_321;
    const localPath = path.join(watchDir, 'survey', 'site plan.tif');
    writeRandomFile(localPath, size, 99);
    const chunkCount = Math.ceil(size / chunkBytes);
    const env = cliEnvironment(home, {
      SITEDROP_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      SITEDROP_FEED_PORT: '0',
    });
    const args = ['agent', '--data-dir', dataDir, '--config', configPath];
    const uploads = () => emulator.requestLog.filter((r) => r.path.startsWith('/_upload/'));
    const acceptedChunks = () => uploads().filter((r) => r.method === 'PUT' && r.status === 202);

    // Slow the chunks down so that the kill lands in the middle of the upload.
    const slow = emulator.faults.add({ method: 'PUT', path: '/_upload/', delayMs: 300 });
    const first = new CliProcess(args, env);
    await waitUntil(() => acceptedChunks().length >= 3, 'three accepted chunks');
    first.child.kill('SIGKILL');
    await first.exited;
    emulator.faults.remove(slow);

    const interrupted = readItem(dataDir);
    expect(interrupted?.state).toBe('uploading');
    expect(interrupted?.uploadSessionUrl).toBeTruthy();
    // The store holds the offset of the last chunk the agent saw accepted; the session may be
    // ahead of it (a chunk accepted just before the kill). The session's own range wins.
    const storedOffset = interrupted?.uploadNextOffset ?? 0;
    expect(storedOffset).toBeGreaterThanOrEqual(chunkBytes);
    expect(storedOffset).toBeLessThan(size);
    const acceptedBeforeRestart = acceptedChunks().length;
    const sessionPath = uploads()[0]?.path;
    const requestsBeforeRestart = emulator.requestLog.length;

    const second = new CliProcess(args, env);
    const remotePath = path.join(emulator.rootDir, 'Documents', 'survey', 'site plan.tif');
    await waitUntil(() => readItem(dataDir)?.state === 'delivered', 'delivery after restart');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    expect(fs.statSync(remotePath).size).toBe(size);
    expect(hashFile(remotePath)).toBe(hashFile(localPath));
    const afterRestart = emulator.requestLog.slice(requestsBeforeRestart);
    // The same session was asked where it stands (no Authorization, no new session) …
    expect(afterRestart.some((r) => r.method === 'GET' && r.path === sessionPath)).toBe(true);
    expect(emulator.requestLog.filter((r) => r.path.endsWith('/createUploadSession'))).toHaveLength(
      1,
    );
    // … and exactly the chunks it still needed were sent.
    const resentChunks = afterRestart.filter((r) => r.method === 'PUT' && r.path === sessionPath);
    expect(resentChunks).toHaveLength(chunkCount - acceptedBeforeRestart);
  }, 120_000);
});
