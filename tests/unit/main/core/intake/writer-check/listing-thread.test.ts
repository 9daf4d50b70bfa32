import { createHook } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ListingThread } from '../../../../../../src/main/core/intake/writer-check/listing-thread.ts';
import { listOpenFiles } from '../../../../../../src/main/core/intake/writer-check/proc-fd-listing.ts';
import { makeTempDir } from '../../../../../helpers/temp-dir.ts';

/** Holds `count` files open in this process, so every listing has that many links to read. */
function holdFiles(count: number): { names: string[]; close: () => void } {
  const directory = makeTempDir();
  const names = Array.from({ length: count }, (_, index) => `held-${index}.pdf`);
  const fds = names.map((name) => fs.openSync(path.join(directory, name), 'w'));
  return { names, close: () => fds.forEach((fd) => fs.closeSync(fd)) };
}

/** Counts the fs requests whose completions the event loop runs while `run` is awaited. */
async function countLoopFsRequests(run: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const hook = createHook({
    init(_id, type) {
      if (type.startsWith('FSREQ')) count += 1;
    },
  });
  hook.enable();
  try {
    await run();
  } finally {
    hook.disable();
  }
  return count;
}

describe.runIf(process.platform === 'linux')('ListingThread (Linux, real /proc)', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  it('lists every open file on its thread, costing the event loop no fs request per fd', async () => {
    const held = holdFiles(300);
    cleanups.push(held.close);
    const thread = new ListingThread('/proc');
    cleanups.push(() => thread.close());

    let links = new Map<string, string[]>();
    const onThread = await countLoopFsRequests(async () => {
      links = await thread.list(() => false);
    });
    expect(thread.isRunning).toBe(true);
    for (const name of held.names) expect(links.get(name)?.length).toBeGreaterThanOrEqual(1);
    // The same listing on the loop's own thread pool: one request per process and per fd.
    const broken = new ListingThread('/proc', new URL('file:///nonexistent/listing-worker.js'));
    cleanups.push(() => broken.close());
    const onLoop = await countLoopFsRequests(() => broken.list(() => false));
    expect(onLoop).toBeGreaterThanOrEqual(held.names.length);
    expect(onThread).toBeLessThan(5);
  });

  it('falls back to listing on the loop when its thread cannot start, and loses nothing', async () => {
    const held = holdFiles(3);
    cleanups.push(held.close);
    const thread = new ListingThread('/proc', new URL('file:///nonexistent/listing-worker.js'));
    cleanups.push(() => thread.close());

    const links = await thread.list(() => false);
    expect(thread.isRunning).toBe(false);
    const expected = listOpenFiles('/proc');
    for (const name of held.names) expect(links.get(name)).toEqual(expected.get(name));
  });

  it('answers a listing asked before close from the loop, and starts none after', async () => {
    const thread = new ListingThread('/proc');
    const pending = thread.list(() => false);
    thread.close();
    await expect(pending).resolves.toBeInstanceOf(Map);
    expect(thread.isRunning).toBe(false);
  });
});
