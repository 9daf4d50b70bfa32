import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import { PassThrough, type Readable } from 'node:stream';
import tls from 'node:tls';
import type { Config } from '../../../../shared/config-schema.ts';
import { sitedropVersion } from '../../version.ts';
import { DeliveryError, classifyNetworkFailure } from '../errors.ts';

/** The User-Agent Microsoft's throttling guidance asks ISVs to send (decorated traffic). */
export const sitedropUserAgent = `ISV|SiteDrop|SiteDrop/${sitedropVersion}`;

/**
 * Bytes of a local file as a request body (an upload session's chunk), read when the request is
 * sent, so a retry reads them again.
 */
export interface FileRange {
  filePath: string;
  /** Offset of the first byte. */
  start: number;
  lengthBytes: number;
}

/** A request body: text, bytes, or a range of a file. */
export type HttpBody = string | Buffer | FileRange;

/**
 * The size of the two buffers a file range is read into and sent from, reused for every read.
 *
 * Reading a range as a stream allocates a fresh 1 MiB Buffer per read; for a 1 GiB upload that is
 * 1,024 MiB of short-lived off-heap garbage, which the allocator keeps resident between
 * collections, whatever the chunk size (docs/performance.md, "Why the code is shaped so",
 * Delivery). A reused buffer, refilled only once the socket has taken its bytes, keeps an upload at
 * this much plus TLS's copy.
 */
export const fileRangeBufferBytes = 64 * 1024;

/** One HTTP request. */
export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: HttpBody;
  signal?: AbortSignal;
  /** Describes the request for error sentences ('uploading bytes 0-999 of report.pdf'). */
  action: string;
}

/** A response whose body is read as it arrives (see HttpTransport.openStream). */
export interface StreamedResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Readable;
}

/** A complete HTTP response (bodies here are small JSON documents). */
export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * HTTPS over one keep-alive agent, for Graph, upload URLs and the token endpoint.
 *
 * Global fetch is several times slower than an `https.Agent` for small PUTs (docs/performance.md,
 * "Why the code is shaped so", Delivery), so every request of delivery goes through here. Extra CAs
 * (sharepoint.extraCaFile: a TLS-inspecting proxy, or the demo emulator) are added to Node's root
 * store on this agent only; NODE_TLS_REJECT_UNAUTHORIZED is never touched.
 */
export class HttpTransport {
  readonly #agent: https.Agent;

  constructor(agent: https.Agent) {
    this.#agent = agent;
  }

  /** Builds the transport for a config: maxSockets ≥ concurrency, extra CAs trusted. */
  static fromConfig(config: Config): HttpTransport {
    return new HttpTransport(
      new https.Agent({
        keepAlive: true,
        keepAliveMsecs: 10_000,
        maxSockets: Math.max(8, config.delivery.concurrency * 2),
        maxFreeSockets: Math.max(4, config.delivery.concurrency),
        // A secure context built once, not `ca`: https.Agent keys its socket pool by a name that
        // concatenates `ca`, so every request would join the ~150 root certificates into one
        // string (docs/performance.md, "Why the code is shaped so", Delivery).
        secureContext: tls.createSecureContext({
          ca: trustedCertificates(config.sharepoint.extraCaFile),
        }),
      }),
    );
  }

  /**
   * Sends a request and reads the whole response.
   *
   * @throws DeliveryError (network.*) for failures below HTTP; the signal's reason when aborted.
   *   HTTP error statuses are returned, not thrown: the caller classifies them with context.
   */
  send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const headers: Record<string, string> = {
      'user-agent': sitedropUserAgent,
      ...lowerCaseKeys(request.headers ?? {}),
    };
    const { body } = request;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      headers['content-length'] = String(Buffer.byteLength(body));
    } else if (body !== undefined) {
      // Always a length, never chunked encoding: Graph rejects chunked uploads.
      headers['content-length'] = String(body.lengthBytes);
    } else if (request.method !== 'GET' && request.method !== 'DELETE') {
      headers['content-length'] = '0';
    }
    return new Promise<HttpResponse>((resolve, reject) => {
      const { signal } = request;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let isSettled = false;
      const settle = (action: () => void) => {
        if (isSettled) return;
        isSettled = true;
        signal?.removeEventListener('abort', onAbort);
        action();
      };
      const outgoing = https.request(url, { method: request.method, headers, agent: this.#agent });
      const onAbort = () => {
        outgoing.destroy();
        settle(() => reject(signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      outgoing.on('error', (error) =>
        settle(() => reject(classifyNetworkFailure(error, url.host, request.action))),
      );
      outgoing.on('response', (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', (error) =>
          settle(() => reject(classifyNetworkFailure(error, url.host, request.action))),
        );
        incoming.on('aborted', () =>
          settle(() =>
            reject(
              classifyNetworkFailure(
                Object.assign(new Error('connection reset mid-response'), { code: 'ECONNRESET' }),
                url.host,
                request.action,
              ),
            ),
          ),
        );
        incoming.on('end', () => {
          if (!incoming.complete) {
            settle(() =>
              reject(
                classifyNetworkFailure(
                  Object.assign(new Error('response cut short'), { code: 'ECONNRESET' }),
                  url.host,
                  request.action,
                ),
              ),
            );
            return;
          }
          const responseHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value !== undefined)
              responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          settle(() =>
            resolve({
              status: incoming.statusCode ?? 0,
              headers: responseHeaders,
              body: Buffer.concat(chunks),
            }),
          );
        });
      });
      if (typeof body === 'string' || Buffer.isBuffer(body) || body === undefined) {
        outgoing.end(body);
      } else {
        writeFileRange(outgoing, body).catch((error: unknown) => {
          outgoing.destroy(error as Error);
        });
      }
    });
  }

  /**
   * Sends a GET and resolves once the response's headers are in, with its body as a stream the
   * caller reads to the end or destroys (a download's bytes, never held in memory whole).
   *
   * The signal aborts the request and the body. A body that stalls or is cut short errors on the
   * stream, with a DeliveryError (network.failed) the caller answers by resuming.
   *
   * @throws DeliveryError (network.*) for failures before the headers; the signal's reason when
   *   aborted.
   */
  openStream(request: Omit<HttpRequest, 'method' | 'body'>): Promise<StreamedResponse> {
    const url = new URL(request.url);
    const headers = { 'user-agent': sitedropUserAgent, ...lowerCaseKeys(request.headers ?? {}) };
    return new Promise<StreamedResponse>((resolve, reject) => {
      const { signal } = request;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const outgoing = https.request(url, { method: 'GET', headers, agent: this.#agent });
      const onAbort = () => outgoing.destroy(signal?.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      const fail = (error: unknown) =>
        signal?.aborted ? signal.reason : classifyNetworkFailure(error, url.host, request.action);
      outgoing.on('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(fail(error));
      });
      outgoing.on('response', (incoming) => {
        const body = new PassThrough();
        incoming.on('aborted', () =>
          body.destroy(fail(connectionReset('connection reset mid-body'))),
        );
        incoming.on('error', (error) => body.destroy(fail(error)));
        incoming.on('close', () => {
          signal?.removeEventListener('abort', onAbort);
          if (!incoming.complete) body.destroy(fail(connectionReset('response cut short')));
        });
        signal?.addEventListener('abort', () => body.destroy(signal.reason as Error), {
          once: true,
        });
        incoming.pipe(body);
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (value !== undefined)
            responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: incoming.statusCode ?? 0, headers: responseHeaders, body });
      });
      outgoing.end();
    });
  }

  /** Closes idle keep-alive sockets. Idempotent. */
  close(): void {
    this.#agent.destroy();
  }
}

/**
 * Writes a file range to a request through two reused buffers, then ends the request.
 *
 * While one buffer's bytes are being sent, the next read fills the other. A buffer is refilled
 * only after the request's write callback for it, that is once the socket has taken its bytes
 * (TLS has encrypted them), so no read overwrites bytes still waiting to be sent.
 *
 * @throws the read's error, or an Error when the request closed (aborted, timed out, answered
 *   early) before the range was written; the caller destroys the request.
 */
async function writeFileRange(outgoing: http.ClientRequest, range: FileRange): Promise<void> {
  const handle = await fs.promises.open(range.filePath, 'r');
  const bufferBytes = Math.max(1, Math.min(fileRangeBufferBytes, range.lengthBytes));
  const buffers = [Buffer.allocUnsafe(bufferBytes), Buffer.allocUnsafe(bufferBytes)] as const;
  let readBytes = 0;
  const readInto = async (buffer: Buffer): Promise<Buffer> => {
    const wanted = Math.min(buffer.length, range.lengthBytes - readBytes);
    const { bytesRead } = await handle.read(buffer, 0, wanted, range.start + readBytes);
    if (bytesRead === 0) {
      throw Object.assign(new Error(`${range.filePath} ended before the bytes to send`), {
        code: 'ENODATA',
      });
    }
    readBytes += bytesRead;
    return buffer.subarray(0, bytesRead);
  };
  let next: Promise<Buffer> | undefined = readInto(buffers[0]);
  try {
    for (let index = 1; next; index = 1 - index) {
      const bytes = await next;
      next = readBytes < range.lengthBytes ? readInto(buffers[index]!) : undefined;
      await writeAndWait(outgoing, bytes);
    }
    outgoing.end();
  } finally {
    // A read still running when a write failed: let it finish before the file is closed.
    await next?.catch(() => undefined);
    await handle.close();
  }
}

/** Writes bytes to a request and waits until the socket has taken them, or the request closed. */
function writeAndWait(outgoing: http.ClientRequest, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error('the request closed before its body was sent'));
    outgoing.once('close', onClose);
    outgoing.write(bytes, (error) => {
      outgoing.off('close', onClose);
      if (error) reject(error);
      else resolve();
    });
  });
}

/** A failure below HTTP that a retry answers, in the shape Node gives a reset connection. */
function connectionReset(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]),
  );
}

/**
 * Node's root certificates plus those in extraCaFile.
 *
 * @throws DeliveryError (config) naming the file when it cannot be read or holds no certificate.
 */
export function trustedCertificates(extraCaFile: string | undefined): string[] {
  const roots = [...tls.rootCertificates];
  if (!extraCaFile) return roots;
  let pem: string;
  try {
    pem = fs.readFileSync(extraCaFile, 'utf8');
  } catch (error) {
    throw new DeliveryError(
      `sharepoint.extraCaFile ${extraCaFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): fix the path or remove the setting`,
      { kind: 'config', code: 'config.extra-ca-unreadable', cause: error },
    );
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new DeliveryError(
      `sharepoint.extraCaFile ${extraCaFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----): export the CA certificate as PEM`,
      { kind: 'config', code: 'config.extra-ca-invalid' },
    );
  }
  return [...roots, ...blocks];
}
