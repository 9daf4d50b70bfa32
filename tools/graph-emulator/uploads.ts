// Receiving upload bodies: streamed to a temp file and hashed on the way, never buffered whole,
// and the SharePoint-style rewrite of Office documents after upload.

import { createWriteStream } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { QuickXorHash } from '../../src/shared/quick-xor-hash.ts';
import { GraphError } from './http-util.ts';

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
