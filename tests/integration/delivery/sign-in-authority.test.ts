import net from 'node:net';
import { onTestFinished, describe, expect, it } from 'vitest';
import { startBench } from './harness.ts';

/**
 * A TCP server that accepts connections and never answers: a sign-in service that hangs.
 * `connectedAt` lists when each connection came (epoch ms).
 */
async function startSilentServer(): Promise<{ port: number; connectedAt: number[] }> {
  const sockets = new Set<net.Socket>();
  const connectedAt: number[] = [];
  const server = net.createServer((socket) => {
    connectedAt.push(Date.now());
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, connectedAt };
}

/**
 * A port on which nothing listens: tcpmux's port 1, which no service of these machines offers, so
 * a connection is refused. A port taken and released by the test could be taken again meanwhile
 * by a server of a test running beside it.
 */
const refusingPort = 1;

/** A bench whose sign-in goes to `authorityHost`, without the emulator's OpenID metadata. */
async function startBenchSigningInAt(authorityHost: string) {
  const bench = await startBench({
    config: {
      // An empty authorityMetadata is "none": msal asks the authority for its configuration.
      sharepoint: { authorityHost, authorityMetadata: '' },
      // In-process retries as long as the defaults' first ones: a sign-in failure must not wait
      // for them (they are for network failures, and a hung sign-in is reported as itself).
      delivery: { requestTimeoutMs: 1_000, retry: { inProcessDelaysMs: [1_000, 2_000] } },
    },
  });
  await bench.start();
  return bench;
}

describe('a sign-in that cannot proceed is reported, never silence', () => {
  it('says the sign-in service did not answer within the request timeout, and does not claim to be connected', async () => {
    const { port, connectedAt } = await startSilentServer();
    const bench = await startBenchSigningInAt(`https://127.0.0.1:${port}`);
    const item = bench.dropFile('report.pdf', 'report');

    const waiting = await bench.waitForState(item.id, ['retrying', 'failed'], 10_000);
    expect(waiting.state).toBe('retrying');
    expect(waiting.lastErrorCode).toMatch(/^auth\./);
    expect(waiting.lastErrorMessage).toMatch(/sign-in service/i);
    expect(waiting.lastErrorMessage).toMatch(/sharepoint\.authorityHost/);
    const state = bench.delivery.connectionState();
    expect(state.status).toBe('auth-failed');
    expect(state.detail).toBe(waiting.lastErrorMessage);
    // The first sign-in gives up within the request timeout (1 s) of its first connection, not
    // after in-process retries of it (which would take 1 s + 1 s + 1 s at least).
    const reported = bench.events.find((event) => event.type === 'connection.changed');
    expect(reported?.data).toMatchObject({ status: 'auth-failed' });
    expect(connectedAt.length).toBeGreaterThan(0);
    expect(reported!.at - connectedAt[0]!).toBeLessThan(1_500);
    expect(bench.requests().filter((record) => record.path.startsWith('/v1.0'))).toEqual([]);
  });

  it('names the authority when its sign-in service refuses the connection', async () => {
    const port = refusingPort;
    const bench = await startBenchSigningInAt(`https://127.0.0.1:${port}`);
    const item = bench.dropFile('report.pdf', 'report');
    const waiting = await bench.waitForState(item.id, ['retrying', 'failed'], 10_000);
    expect(waiting.state).toBe('retrying');
    expect(waiting.lastErrorCode).toBe('auth.authority-unreachable');
    expect(waiting.lastErrorMessage).toContain(`https://127.0.0.1:${port}`);
    expect(bench.delivery.connectionState().status).toBe('auth-failed');
  });
});
