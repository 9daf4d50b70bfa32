// Receiving upload bodies: streamed to a temp file and hashed on the way (only a small body is
// gathered in memory, then written at once), and the SharePoint-style rewrite of Office
// documents after upload.

import { createWriteStream } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { QuickXorHash } from '../../src/shared/quick-xor-hash.ts';
import { GraphError } from './http-util.ts';

/** Bodies up to this size (by their declared length) are gathered in memory and written once. */
const SMALL_BODY_BYTES = 256 * 1024;

/**
 * Stream a request body into `tempPath` at byte `start`, feeding `hash`; resolves with the byte
 * count. Rejects when the body is longer than `maxBytes` (400) or the connection drops.
 */
export async function receiveToFile(
  body: Readable,
  tempPath: string,
  options: { start: number; maxBytes: number; hash: QuickXorHash; truncate: boolean },
): Promise<number> {
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > options.maxBytes) {
        callback(
          new GraphError(
            400,
            'invalidRequest',
            'The request body is longer than its Content-Length or Content-Range.',
          ),
        );
        return;
      }
      options.hash.update(chunk);
      callback(null, chunk);
    },
  });
  if (options.truncate && options.start === 0 && options.maxBytes <= SMALL_BODY_BYTES) {
    // A small body is gathered and written in one call: a write stream costs three thread-pool
    // round trips (open, write, close) where this costs one (issue 7, figure 4).
    const chunks: Buffer[] = [];
    await pipeline(body, counter, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) chunks.push(chunk);
    });
    await writeFile(tempPath, Buffer.concat(chunks, received));
    return received;
  }
  const file = createWriteStream(tempPath, {
    flags: options.truncate ? 'w' : 'r+',
    start: options.start,
    highWaterMark: 1024 * 1024,
  });
  await pipeline(body, counter, file);
  return received;
}

/** Extensions SharePoint rewrites (it promotes document properties into the file). */
const OFFICE_EXTENSIONS = new Set(['.docx', '.xlsx', '.pptx']);

/** What SharePoint's rewrite adds, in the emulator: a marker appended to the stored bytes. */
const OFFICE_REWRITE_TRAILER = Buffer.from(
  '\n<!-- SharePoint Online promoted document properties (graph-emulator) -->\n',
);

/**
 * If `name` is an Office document, change the stored bytes as SharePoint does (size and
 * quickXorHash then differ from what was sent); returns the number of bytes added.
 */
export async function rewriteOfficeDocument(
  tempPath: string,
  name: string,
  hash: QuickXorHash,
): Promise<number> {
  if (!OFFICE_EXTENSIONS.has(path.extname(name).toLowerCase())) return 0;
  await appendFile(tempPath, OFFICE_REWRITE_TRAILER);
  hash.update(OFFICE_REWRITE_TRAILER);
  return OFFICE_REWRITE_TRAILER.length;
}
