/**
 * A bench child: the floor for the feed's fan-out (figure 9). A bare `ws` server that, when told,
 * sends `count` pre-serialized event frames to every connected socket, a batch per event-loop
 * turn so the sockets drain as they go, stamping each frame's send time.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { crossProcessNowMs } from '../lib/cross-process-clock.ts';
import { readChildArguments, serveParent } from '../lib/serve-parent.ts';

const options = readChildArguments<{ frameTemplate: string }>();
const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const sockets = new Set<WebSocket>();
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
const address = server.address();
const port = typeof address === 'object' && address ? address.port : 0;

async function send(args: { count: number; batch: number }): Promise<[number, number][]> {
  const sentAt: [number, number][] = [];
  for (let seq = 1; seq <= args.count; seq += 1) {
    // One serialization per message, shared by every socket (the feed's rule, issue 7).
    const frame = Buffer.from(options.frameTemplate.replace('"seq":0', `"seq":${seq}`));
    sentAt.push([seq, crossProcessNowMs()]);
    for (const socket of sockets) socket.send(frame);
    if (seq % args.batch === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return sentAt;
}

serveParent({
  port: () => port,
  connections: () => sockets.size,
  send: (args) => send(args as { count: number; batch: number }),
  close: () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.terminate();
      server.close(() => resolve());
    }),
});
