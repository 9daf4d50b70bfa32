/**
 * A WebSocket client for the bench's fan-out clients (figure 9) that only reads: it opens the
 * connection (RFC 6455 handshake, checked), hands over each data frame's payload when the frame is
 * whole, answers pings and notes the close code. Nothing else: no extensions, no sending.
 *
 * Why not `ws`'s client: fifty clients share one bench process on one core, where each UI has a
 * core of its own. On this bench's host, `ws` clients took ~370 ms of CPU to read 78 MB of 76 KB
 * frames from fifty sockets (its socket is piped into a Writable per connection, paused and
 * resumed at every 64 KiB read), reading the same bytes' frames straight off the sockets ~210 ms
 * (2026-12-07): with `ws` that process, not the feed, was the bottleneck figure 9 measured.
 */
import crypto from 'node:crypto';
import net from 'node:net';

/** RFC 6455 section 1.3: the GUID the server's accept key is derived with. */
const handshakeGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const opcodes = { text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface WebSocketReaderHandlers {
  /**
   * A whole text or binary frame arrived (fragmented messages are not expected here). The payload
   * is valid during the call only: its bytes are read over by the next ones.
   */
  onMessage(payload: Buffer): void;
  onClose(code: number | null): void;
}

/** Connects, completes the handshake, then reads frames until the socket ends. */
export function connectWebSocketReader(
  url: string,
  protocols: readonly string[],
  handlers: WebSocketReaderHandlers,
): Promise<net.Socket> {
  const { hostname, port, pathname, search } = new URL(url);
  const key = crypto.randomBytes(16).toString('base64');
  const expectedAccept = crypto
    .createHash('sha1')
    .update(key + handshakeGuid)
    .digest('base64');
  return new Promise((resolve, reject) => {
    /** The bytes of a partial frame (or of the handshake's answer) kept between reads. */
    const kept = new KeptBytes();
    let isOpen = false;
    let closeCode: number | null = null;
    const onBytes = (chunk: Buffer) => {
      const bytes = kept.length === 0 ? chunk : kept.append(chunk);
      let at = 0;
      if (!isOpen) {
        const end = bytes.indexOf('\r\n\r\n');
        if (end === -1) {
          kept.keep(bytes, 0);
          return;
        }
        const head = bytes.subarray(0, end).toString('latin1');
        const accept = /^sec-websocket-accept:\s*(\S+)\s*$/im.exec(head)?.[1];
        if (!head.startsWith('HTTP/1.1 101') || accept !== expectedAccept) {
          socket.destroy();
          reject(new Error(`WebSocket handshake refused: ${head.split('\r\n')[0] ?? ''}`));
          return;
        }
        isOpen = true;
        resolve(socket);
        at = end + 4;
      }
      kept.keep(
        bytes,
        readFrames(bytes, at, socket, handlers, (code) => (closeCode = code)),
      );
    };
    // Read into one buffer, reused for every read: no allocation, stream or event per read.
    const readBuffer = Buffer.allocUnsafe(64 * 1024);
    const socket = net.connect({
      host: hostname,
      port: Number(port),
      onread: {
        buffer: readBuffer,
        callback: (size) => {
          onBytes(readBuffer.subarray(0, size));
          return true;
        },
      },
    });
    socket.setNoDelay(true);
    socket.once('connect', () => {
      const lines = [
        `GET ${pathname}${search} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        ...(protocols.length > 0 ? [`Sec-WebSocket-Protocol: ${protocols.join(', ')}`] : []),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    socket.on('error', (error) => {
      if (!isOpen) reject(error);
    });
    socket.on('close', () => handlers.onClose(closeCode));
  });
}

/** One connection's unread bytes, in a buffer of its own that grows as needed (never shrinks). */
class KeptBytes {
  #buffer = Buffer.allocUnsafe(256 * 1024);
  length = 0;

  /** The kept bytes followed by `chunk` (valid until the next call). */
  append(chunk: Buffer): Buffer {
    this.#ensure(this.length + chunk.length);
    chunk.copy(this.#buffer, this.length);
    this.length += chunk.length;
    return this.#buffer.subarray(0, this.length);
  }

  /** Keeps `bytes` from `from` on (bytes is a chunk just read, or what append returned). */
  keep(bytes: Buffer, from: number): void {
    const rest = bytes.length - from;
    if (rest === 0) {
      this.length = 0;
      return;
    }
    this.#ensure(rest);
    if (bytes.buffer === this.#buffer.buffer) this.#buffer.copyWithin(0, from, bytes.length);
    else bytes.copy(this.#buffer, 0, from);
    this.length = rest;
  }

  #ensure(size: number): void {
    if (size <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(size, 2 * this.#buffer.length));
    this.#buffer.copy(grown, 0, 0, this.length);
    this.#buffer = grown;
  }
}

/** Reads every whole frame of `bytes` from `at`; returns where the next, partial one starts. */
function readFrames(
  bytes: Buffer,
  from: number,
  socket: net.Socket,
  handlers: WebSocketReaderHandlers,
  noteClose: (code: number | null) => void,
): number {
  let at = from;
  for (;;) {
    const header = frameHeader(bytes, at);
    if (header === undefined || bytes.length < header.payloadStart + header.length) break;
    const payload = bytes.subarray(header.payloadStart, header.payloadStart + header.length);
    at = header.payloadStart + header.length;
    if (header.opcode === opcodes.text || header.opcode === opcodes.binary) {
      handlers.onMessage(payload);
    } else if (header.opcode === opcodes.ping) socket.write(maskedFrame(opcodes.pong, payload));
    else if (header.opcode === opcodes.close) {
      noteClose(payload.length >= 2 ? payload.readUInt16BE(0) : null);
      socket.end(maskedFrame(opcodes.close, payload.subarray(0, 2)));
    }
  }
  return at;
}

/** A server frame's opcode, payload length and where its payload starts (servers never mask). */
function frameHeader(
  bytes: Buffer,
  at: number,
): { opcode: number; length: number; payloadStart: number } | undefined {
  if (bytes.length < at + 2) return undefined;
  const opcode = (bytes[at] as number) & 0x0f;
  const shortLength = (bytes[at + 1] as number) & 0x7f;
  if (shortLength < 126) return { opcode, length: shortLength, payloadStart: at + 2 };
  if (shortLength === 126) {
    if (bytes.length < at + 4) return undefined;
    return { opcode, length: bytes.readUInt16BE(at + 2), payloadStart: at + 4 };
  }
  if (bytes.length < at + 10) return undefined;
  return { opcode, length: Number(bytes.readBigUInt64BE(at + 2)), payloadStart: at + 10 };
}

/** A client frame (clients must mask, RFC 6455 section 5.3) with a short payload. */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = crypto.randomBytes(4);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  payload.forEach((byte, index) => (frame[6 + index] = byte ^ (mask[index % 4] as number)));
  return frame;
}
