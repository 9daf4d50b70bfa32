import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectWebSocketReader } from '../../../bench/lib/websocket-reader.ts';

// The bench's lean WebSocket reader (figure 9's fifty clients) against a real `ws` server over
// loopback: every frame whole and in order, whatever its size and however reads cut it.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function startServer(
  onConnection: (socket: WebSocket, request: http.IncomingMessage) => void,
): Promise<string> {
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => [...protocols][0] ?? false,
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', onConnection);
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/feed?x=1`;
}

/** A frame's text: its index, then filler of a length that varies from 0 to ~200 KB. */
const frameText = (index: number) => `${index}:${'x'.repeat((index * 7_919) % 200_000)}`;

describe('connectWebSocketReader', () => {
  it('hands over every frame whole and in order, small and larger than a read', async () => {
    const count = 400;
    const url = await startServer((socket) => {
      for (let index = 0; index < count; index += 1) socket.send(frameText(index));
      socket.send(Buffer.from([0, 1, 2, 3]));
    });
    const received: string[] = [];
    let binary: number[] = [];
    await new Promise<void>((resolve, reject) => {
      connectWebSocketReader(url, ['sitedrop.feed'], {
        onMessage: (payload) => {
          if (received.length < count) received.push(payload.toString());
          else {
            binary = [...payload];
            resolve();
          }
        },
        onClose: () => reject(new Error('closed early')),
      }).catch(reject);
    });
    expect(received).toHaveLength(count);
    received.forEach((text, index) =>
      expect(text === frameText(index), `frame ${index}`).toBe(true),
    );
    expect(binary).toEqual([0, 1, 2, 3]);
  });

  it('sends its subprotocols and path, answers a ping, and reports the close code', async () => {
    let protocol = '';
    let requestUrl = '';
    let pong = '';
    const url = await startServer((socket, request) => {
      protocol = socket.protocol;
      requestUrl = request.url ?? '';
      socket.on('pong', (data: Buffer) => {
        pong = data.toString();
        socket.close(4_008, 'too slow');
      });
      socket.ping('are you there');
    });
    const closeCode = await new Promise<number | null>((resolve, reject) => {
      connectWebSocketReader(url, ['sitedrop.feed', 'token.abc'], {
        onMessage: () => undefined,
        onClose: resolve,
      }).catch(reject);
    });
    expect(protocol).toBe('sitedrop.feed');
    expect(requestUrl).toBe('/feed?x=1');
    expect(pong).toBe('are you there');
    expect(closeCode).toBe(4_008);
  });

  it('reads nothing while paused, then everything once resumed', async () => {
    const url = await startServer((socket) => {
      socket.on('message', () => {
        for (let index = 0; index < 100; index += 1) socket.send(frameText(index));
      });
    });
    const received: string[] = [];
    const socket = await connectWebSocketReader(url, [], {
      onMessage: (payload) => received.push(payload.toString()),
      onClose: () => undefined,
    });
    socket.pause();
    // A masked client text frame "go", written by hand: the reader itself never sends data.
    const mask = [1, 2, 3, 4];
    socket.write(Buffer.from([0x81, 0x82, ...mask, 0x67 ^ 1, 0x6f ^ 2]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toHaveLength(0);
    socket.resume();
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(100);
    expect(received.every((text, index) => text === frameText(index))).toBe(true);
  });

  it('refuses a server whose handshake answer does not match its key', async () => {
    const server = http.createServer();
    server.on('upgrade', (_request, socket) => {
      socket.end(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Accept: bm90IHRoZSByaWdodCBrZXk=\r\n\r\n',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    await expect(
      connectWebSocketReader(`ws://127.0.0.1:${port}/`, [], {
        onMessage: () => undefined,
        onClose: () => undefined,
      }),
    ).rejects.toThrow(/handshake refused/);
  });
});
