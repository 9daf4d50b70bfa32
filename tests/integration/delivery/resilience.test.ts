import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CLIENT_SECRET } from '../../../tools/graph-emulator/index.ts';
import { hashFile, startBench, writeRandomFile } from './harness.ts';

describe('delivery when SharePoint pushes back', () => {
  it('waits out a Retry-After in seconds exactly, never less (real time)', async () => {
    const bench = await startBench();
    bench.emulator.faults.add({
      method: 'PUT',
      path: '/content',
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    await bench.start();
    const item = bench.dropFile('throttled.txt', 'x');
    expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    const puts = bench.requests({ method: 'PUT', pathIncludes: '/content' });
    expect(puts.map((record) => record.status)).toEqual([429, 201]);
    const waitedMs = puts[1]!.startedAt - puts[0]!.endedAt;
    expect(waitedMs).toBeGreaterThanOrEqual(1000);
    expect(waitedMs).toBeLessThan(1600);
  });

  it('waits out a Retry-After given as an HTTP date, never before that date', async () => {
    const bench = await startBench();
    bench.emulator.faults.add({
      method: 'PUT',
      path: '/content',
      status: 503,
      retryAfterSeconds: 2,
      retryAfterHttpDate: true,
      times: 1,
    });
    await bench.start();
    const item = bench.dropFile('unavailable.txt', 'x');
    expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    const puts = bench.requests({ method: 'PUT', pathIncludes: '/content' });
    expect(puts.map((record) => record.status)).toEqual([503, 201]);
    expect(puts[1]!.startedAt).toBeGreaterThanOrEqual(Date.parse(puts[0]!.retryAfter ?? ''));
  });

  it('writes a long Retry-After to the item, frees the worker slot, and sends no other file until it has passed', async () => {
    const bench = await startBench({ config: { delivery: { concurrency: 1 } } });
    bench.emulator.faults.add({
      method: 'PUT',
      path: 'slow.txt',
      status: 429,
      retryAfterSeconds: 120,
      times: 1,
    });
    await bench.start();
    const slow = bench.dropFile('slow.txt', 'x');
    const waiting = await bench.waitForState(slow.id, ['retrying', 'failed', 'delivered']);
    const throttledAt = bench.requests({ method: 'PUT', pathIncludes: 'slow.txt' })[0]!.endedAt;
    expect(waiting.state).toBe('retrying');
    expect(waiting.lastErrorCode).toBe('graph.throttled');
    expect(waiting.nextAttemptAt! - throttledAt).toBeGreaterThanOrEqual(120_000);
    expect(waiting.nextAttemptAt! - throttledAt).toBeLessThan(121_000);
    // SharePoint throttles the app, not the file (issue 7, figure 5): the next file waits too,
    // queued, with nothing sent for it (throttle-gate.test.ts: it goes once the wait is over).
    const next = bench.dropFile('next.txt', 'y');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(bench.store.getItem(next.id)!.state).toBe('queued');
    expect(bench.requests({ pathIncludes: 'next.txt' })).toEqual([]);
  });

  it('opens the breaker on five hundred 503s, spares SharePoint while open, and closes it by a probe when SharePoint recovers; nothing is lost or fails', async () => {
    const probeIntervalMs = 1_000;
    // Delivery's connection check at start and the first items share one site lookup (not one
    // per item), so the outage meets that lookup's four tries: three failures open the breaker
    // before its caller runs out of tries (five would leave it a stored retry a minute away).
    const bench = await startBench({
      config: {
        delivery: {
          concurrency: 2,
          retry: { inProcessDelaysMs: [10, 10, 10] },
          breaker: { failureThreshold: 3, windowMs: 60_000, probeIntervalMs },
        },
      },
    });
    const outage = bench.emulator.faults.add({ path: '/v1.0/', status: 503, times: 500 });
    await bench.start();
    const items = ['a', 'b', 'c', 'd'].map((name) => bench.dropFile(`${name}.txt`, name));
    const breakerEvents = () =>
      bench.events.flatMap((event) =>
        event.type === 'connection.changed' ? [event.data.breaker] : [],
      );
    const deadline = Date.now() + 10_000;
    while (!breakerEvents().includes('open')) {
      if (Date.now() > deadline) throw new Error('the breaker never opened');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const opened = bench.events.find(
      (event) => event.type === 'connection.changed' && event.data.breaker === 'open',
    );
    expect((opened?.data as { nextProbeAt: number }).nextProbeAt).toBeGreaterThan(opened!.at);
    expect(opened?.data).toMatchObject({ status: 'paused-by-breaker' });
    expect(bench.delivery.connectionState()).toMatchObject({
      status: 'paused-by-breaker',
      breaker: 'open',
    });
    expect(bench.delivery.connectionState().nextProbeAt).toBeGreaterThan(Date.now() - 50);

    // The outage goes on for several probe intervals. Nothing hammers SharePoint: at most one
    // probe per interval reaches it, a failed probe opens the breaker again, and the items wait
    // without using up their attempts.
    const graphCalls = () => bench.requests({ pathIncludes: '/v1.0/' }).length;
    const atOpen = graphCalls();
    const outageMs = 3 * probeIntervalMs;
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    expect(graphCalls() - atOpen).toBeLessThanOrEqual(outageMs / probeIntervalMs + 1);
    expect(breakerEvents().slice(0, 3)).toEqual(['open', 'half-open', 'open']);
    // At most the one attempt that met the outage before the breaker opened (plus the one in
    // progress for an item waiting on the probe), however many probes failed meanwhile.
    for (const item of items.map((each) => bench.store.getItem(each.id)!)) {
      expect(['queued', 'retrying', 'uploading']).toContain(item.state);
      expect(item.attempts).toBeLessThanOrEqual(item.state === 'uploading' ? 2 : 1);
    }
    expect(bench.emulator.faults.list().find((rule) => rule.id === outage)?.hits).toBeLessThan(500);

    // SharePoint recovers: the next probe succeeds and closes the breaker; every item arrives.
    bench.emulator.faults.remove(outage);
    for (const item of items) {
      const done = await bench.waitForState(item.id, ['delivered', 'failed'], 15_000);
      expect(done.state).toBe('delivered');
    }
    expect(breakerEvents().at(-2)).toBe('half-open');
    expect(breakerEvents().at(-1)).toBe('closed');
    expect(
      bench.events.findLast((event) => event.type === 'connection.changed')?.data,
    ).toMatchObject({ status: 'ready' });
    expect(bench.delivery.connectionState().status).toBe('ready');
    expect(bench.store.countsByState().failed).toBe(0);
    for (const item of items) expect(bench.store.getItem(item.id)!.attempts).toBeLessThanOrEqual(2);
    for (const name of ['a', 'b', 'c', 'd']) {
      expect(fs.readFileSync(bench.remotePath(`Incoming/${name}.txt`), 'utf8')).toBe(name);
    }
  });

  it('cancels the upload session of a file that changed while uploading, re-queues it and delivers the new content once', async () => {
    const bench = await startBench({
      config: { delivery: { simpleUploadMaxBytes: 100_000, chunkSizeBytes: 327_680 } },
    });
    bench.emulator.faults.add({ method: 'PUT', path: '/_upload/', delayMs: 150 });
    await bench.start();
    const filePath = path.join(bench.watchDir, 'survey.bin');
    writeRandomFile(filePath, 2_000_000, 7);
    const item = bench.queueExisting('survey.bin');
    const deadline = Date.now() + 10_000;
    while (bench.requests({ method: 'PUT', pathIncludes: '/_upload/' }).length < 2) {
      if (Date.now() > deadline) throw new Error('the upload never started');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Someone appends to the file while it uploads.
    fs.appendFileSync(filePath, Buffer.alloc(50_000, 9));
    const firstSession = bench.requests({ method: 'PUT', pathIncludes: '/_upload/' })[0]!.path;

    const done = await bench.waitForState(item.id, ['delivered', 'failed'], 30_000);
    expect(done.state).toBe('delivered');
    expect(bench.requests({ method: 'DELETE', pathIncludes: firstSession })).toHaveLength(1);
    const requeued = bench.events.find(
      (event) =>
        event.type === 'item.queued' &&
        event.data.itemId === item.id &&
        event.data.reason === 'changed',
    );
    expect(requeued?.data).toMatchObject({ sizeBytes: 2_050_000 });
    const local = fs.readFileSync(filePath);
    expect(fs.readFileSync(bench.remotePath('Incoming/survey.bin')).equals(local)).toBe(true);
    expect(done).toMatchObject({ sizeBytes: 2_050_000, quickXorHash: hashFile(filePath) });
    expect(fs.readdirSync(bench.remotePath('Incoming'))).toEqual(['survey.bin']);
  });

  it('does not duplicate a small file whose upload response was lost', async () => {
    const bench = await startBench();
    bench.emulator.faults.add({
      method: 'PUT',
      path: '/content',
      resetAfterBytes: 10_000_000,
      times: 1,
    });
    await bench.start();
    const item = bench.dropFile('lost.txt', 'the response to this upload is lost');
    const done = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(done.state, done.lastErrorMessage ?? '').toBe('delivered');
    expect(bench.requests({ method: 'PUT', pathIncludes: '/content' })[0]!.aborted).toBe(true);
    expect(fs.readdirSync(bench.remotePath('Incoming'))).toEqual(['lost.txt']);
  });

  it('does not duplicate a file whose last upload-session response was lost', async () => {
    const bench = await startBench({ config: { delivery: { simpleUploadMaxBytes: 100_000 } } });
    bench.emulator.faults.add({
      method: 'PUT',
      path: '/_upload/',
      resetAfterBytes: 10_000_000,
      times: 1,
    });
    await bench.start();
    const item = bench.dropFile('lost-session.bin', Buffer.alloc(200_000, 3));
    const done = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(done.state, done.lastErrorMessage ?? '').toBe('delivered');
    expect(bench.requests({ method: 'PUT', pathIncludes: '/_upload/' })[0]!.aborted).toBe(true);
    expect(fs.readdirSync(bench.remotePath('Incoming'))).toEqual(['lost-session.bin']);
    expect(fs.statSync(bench.remotePath('Incoming/lost-session.bin')).size).toBe(200_000);
  });

  it('starts a new upload session when the stored one expired', async () => {
    const bench = await startBench({
      config: { delivery: { simpleUploadMaxBytes: 100_000, chunkSizeBytes: 327_680 } },
    });
    bench.emulator.faults.add({
      method: 'PUT',
      path: '/_upload/',
      expireUploadSession: true,
      times: 1,
    });
    await bench.start();
    const item = bench.dropFile('expired.bin', Buffer.alloc(700_000, 5));
    const done = await bench.waitForState(item.id, ['delivered', 'failed']);
    expect(done.state, done.lastErrorMessage ?? '').toBe('delivered');
    expect(bench.requests({ method: 'POST', pathIncludes: 'createUploadSession' })).toHaveLength(2);
    expect(fs.statSync(bench.remotePath('Incoming/expired.bin')).size).toBe(700_000);
  });

  it('fails a 403 fast with a sentence naming the missing permission', async () => {
    const bench = await startBench({
      emulator: {
        clients: [
          {
            clientId: '3f6b2c1d-8e4a-4b7f-a2c9-5e1d7f3a9b24',
            tenantId: '5d1c0a6e-7f3b-4c2a-9e51-0d3e5a7b9c11',
            secret: DEMO_CLIENT_SECRET,
            canWrite: false,
          },
        ],
      },
    });
    await bench.start();
    const item = bench.dropFile('a.pdf', 'a');
    const failed = await bench.waitForState(item.id, ['failed', 'delivered', 'retrying']);
    expect(failed.state).toBe('failed');
    expect(failed.lastErrorCode).toBe('graph.forbidden');
    expect(failed.lastErrorMessage).toContain('Sites.Selected');
    expect(failed.attempts).toBe(1);
    expect(bench.requests().filter((record) => record.status === 403)).toHaveLength(1);
    expect(bench.store.listAttempts(item.id)[0]).toMatchObject({
      httpStatus: 403,
      outcome: 'failed',
    });
  });

  it('refreshes a token that expires mid-run and carries on', async () => {
    const bench = await startBench();
    await bench.start();
    const first = bench.dropFile('first.txt', '1');
    await bench.waitForState(first.id, ['delivered']);
    bench.emulator.faults.add({ method: 'PUT', path: '/content', expireToken: true, times: 1 });
    const second = bench.dropFile('second.txt', '2');
    expect((await bench.waitForState(second.id, ['delivered', 'failed'])).state).toBe('delivered');
    const tokenRequests = bench.requests({ method: 'POST', pathIncludes: '/oauth2/v2.0/token' });
    expect(tokenRequests).toHaveLength(2);
    expect(bench.requests({ method: 'PUT' }).map((record) => record.status)).toEqual([
      201, 401, 201,
    ]);
  });

  it('shows a second 401 as an auth problem, not a retry storm', async () => {
    const bench = await startBench();
    bench.emulator.faults.add({ method: 'PUT', path: '/content', expireToken: true, times: 2 });
    await bench.start();
    const item = bench.dropFile('a.txt', 'a');
    const waiting = await bench.waitForState(item.id, ['retrying', 'failed', 'delivered']);
    expect(waiting.state).toBe('retrying');
    expect(waiting.lastErrorCode).toBe('auth.rejected');
    expect(waiting.lastErrorMessage).toContain('admin consent');
    expect(bench.requests({ method: 'PUT' })).toHaveLength(2);
    expect(bench.delivery.connectionState().status).toBe('auth-failed');
  });

  it('gives a readable auth error for a wrong client secret, and never logs the secret', async () => {
    const wrongSecret = 'not-the-right-secret-value';
    const bench = await startBench({
      clientSecret: wrongSecret,
      config: { delivery: { retry: { storedDelayMinMs: 1_000 } } },
    });
    await bench.start();
    // Delivery signs in when it starts: the refusal shows before any file arrives, and holds
    // delivery for the first stored wait (a second here), after which a file meets it itself.
    const deadline = Date.now() + 10_000;
    while (bench.delivery.connectionState().status !== 'auth-failed') {
      if (Date.now() > deadline) throw new Error('the refused secret was not reported at start');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(bench.requests({ pathIncludes: '/v1.0/' })).toEqual([]);
    const item = bench.dropFile('a.txt', 'a');
    const waiting = await bench.waitForState(item.id, ['retrying', 'failed', 'delivered']);
    expect(waiting.state).toBe('retrying');
    expect(waiting.lastErrorCode).toBe('auth.aadsts-7000215');
    expect(waiting.lastErrorMessage).toMatch(/^The client secret was refused/);
    expect(bench.delivery.connectionState()).toMatchObject({ status: 'auth-failed' });
    const report = await bench.delivery.testConnection();
    expect(report.isOk).toBe(false);
    expect(report.steps.find((step) => step.name === 'token')).toMatchObject({
      status: 'failed',
      code: 'auth.aadsts-7000215',
    });
    expect(JSON.stringify(bench.store.readEventsSince(0, 1000))).not.toContain(wrongSecret);
    expect(bench.logLines.join('\n')).not.toContain(wrongSecret);
  });

  it('keeps items queued and says how to connect when no secret is stored', async () => {
    const bench = await startBench({ clientSecret: null });
    await bench.start();
    const item = bench.dropFile('a.txt', 'a');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bench.store.getItem(item.id)?.state).toBe('queued');
    expect(bench.delivery.connectionState()).toMatchObject({ status: 'not-configured' });
    expect(bench.delivery.connectionState().detail).toContain('SITEDROP_CLIENT_SECRET');
    expect(bench.requests()).toHaveLength(0);
    await bench.secretStore.set('auth.clientSecret', DEMO_CLIENT_SECRET);
    expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
  });

  it('passes Test connection step by step against a working emulator', async () => {
    const bench = await startBench();
    await bench.start();
    const report = await bench.delivery.testConnection();
    expect(report.steps.map((step) => [step.name, step.status])).toEqual([
      ['configuration', 'ok'],
      ['credential', 'ok'],
      ['token', 'ok'],
      ['site', 'ok'],
      ['library', 'ok'],
      ['folder', 'ok'],
      ['write', 'ok'],
    ]);
    expect(fs.readdirSync(path.join(bench.emulator.rootDir, 'Documents'))).toEqual([]);
  });

  it('cancels an item in the middle of an upload session and deletes the session', async () => {
    const bench = await startBench({
      config: { delivery: { simpleUploadMaxBytes: 100_000, chunkSizeBytes: 327_680 } },
    });
    bench.emulator.faults.add({ method: 'PUT', path: '/_upload/', delayMs: 300 });
    await bench.start();
    const item = bench.dropFile('cancel-me.bin', Buffer.alloc(3_000_000, 1));
    const deadline = Date.now() + 10_000;
    while (bench.requests({ method: 'PUT', pathIncludes: '/_upload/' }).length < 2) {
      if (Date.now() > deadline) throw new Error('upload never started');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await bench.delivery.cancelItem(item.id)).toBe(true);
    const cancelled = bench.store.getItem(item.id);
    expect(cancelled?.state).toBe('cancelled');
    expect(cancelled?.uploadSessionUrl).toBeNull();
    expect(bench.requests({ method: 'DELETE', pathIncludes: '/_upload/' })).toHaveLength(1);
    expect(fs.existsSync(bench.remotePath('Incoming/cancel-me.bin'))).toBe(false);
  });
});
