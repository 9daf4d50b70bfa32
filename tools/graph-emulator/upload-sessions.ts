// Resumable upload sessions (driveItem: createUploadSession): the session store and the
// pre-authenticated upload URL (PUT a fragment, GET status, DELETE cancel). Fragment rules follow
// https://learn.microsoft.com/graph/api/driveitem-createuploadsession.

import { createReadStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { QuickXorHash } from '../../src/shared/quick-xor-hash.ts';
import type { ClientFileTimes, ConflictBehavior, DriveStore, ItemRecord } from './drive-store.ts';
import { GraphError, sendEmpty, sendJson } from './http-util.ts';
import type { RequestContext } from './http-util.ts';
import { randomToken } from './ids.ts';
import { ReceivedRanges } from './received-ranges.ts';
import type { EmulatorOrigins } from './origins.ts';
import { renderItem } from './render.ts';
import { receiveToFile, rewriteOfficeDocument } from './uploads.ts';

/** Fragments other than the last must be a multiple of 320 KiB. */
export const FRAGMENT_MULTIPLE_BYTES = 327_680;
/**
 * Fragments must be smaller than this: "the maximum bytes in any given request is less than
 * 60 MiB" (driveitem-createuploadsession.md), so a fragment of exactly 60 MiB is refused.
 */
export const MAX_FRAGMENT_BYTES = 60 * 1024 * 1024;
/** Path prefix of upload URLs: a stable marker for fault rules and the request log. */
export const UPLOAD_PATH_PREFIX = '/_upload/';

/** Where a session's file goes when it completes. */
export type UploadTarget =
  | { kind: 'new'; base: ItemRecord; folderSegments: string[]; name: string }
  | { kind: 'existing'; item: ItemRecord };

interface UploadSession {
  readonly id: string;
  readonly secret: string;
  readonly store: DriveStore;
  readonly target: UploadTarget;
  readonly behavior: ConflictBehavior;
  readonly fileSystemInfo: ClientFileTimes | undefined;
  /** deferCommit: the last byte range does not create the file; a POST to the upload URL does. */
  readonly isCommitDeferred: boolean;
  readonly tempPath: string;
  expiresAt: number;
  declaredSize: number | undefined;
  /** Bytes held, gaps and the high-water mark: the source of nextExpectedRanges. */
  readonly received: ReceivedRanges;
  /** The quickXorHash of the bytes so far, while they arrived in order with no gap. */
  hash: QuickXorHash;
  /** False once a fragment came out of order or was lost: hash the file at completion instead. */
  isHashStreamed: boolean;
  isBusy: boolean;
}

/** All open upload sessions of one emulator. */
export class UploadSessionStore {
  readonly #sessions = new Map<string, UploadSession>();
  readonly #tempDirectory: string;
  readonly #lifetimeMs: number;
  readonly #modifyOfficeDocuments: boolean;

  constructor(options: {
    tempDirectory: string;
    lifetimeSeconds: number;
    modifyOfficeDocuments: boolean;
  }) {
    this.#tempDirectory = options.tempDirectory;
    this.#lifetimeMs = options.lifetimeSeconds * 1000;
    this.#modifyOfficeDocuments = options.modifyOfficeDocuments;
  }

  /** Open a session; returns the uploadSession resource (200 body of createUploadSession). */
  async create(
    store: DriveStore,
    target: UploadTarget,
    behavior: ConflictBehavior,
    declaredSize: number | undefined,
    origins: EmulatorOrigins,
    client: { fileSystemInfo?: ClientFileTimes; isCommitDeferred?: boolean } = {},
  ): Promise<Record<string, unknown>> {
    const id = randomToken(16);
    const session: UploadSession = {
      id,
      secret: randomToken(32),
      store,
      target,
      behavior,
      fileSystemInfo: client.fileSystemInfo,
      isCommitDeferred: client.isCommitDeferred ?? false,
      tempPath: path.join(this.#tempDirectory, `${id}.part`),
      expiresAt: Date.now() + this.#lifetimeMs,
      declaredSize,
      received: new ReceivedRanges(),
      hash: new QuickXorHash(),
      isHashStreamed: true,
      isBusy: false,
    };
    await writeFile(session.tempPath, '');
    this.#sessions.set(id, session);
    return {
      '@odata.context': `${origins.graph}/v1.0/$metadata#microsoft.graph.uploadSession`,
      // Real upload URLs live on the SharePoint host, not on graph.microsoft.com; the emulator's
      // are on its SharePoint host name ("localhost" by default, not the Graph base URL's
      // 127.0.0.1) for the same reason, so a client that attaches its token by host (like the
      // Graph SDK's customHosts) behaves as it would against the real service.
      uploadUrl: `${origins.sharePoint}${UPLOAD_PATH_PREFIX}${id}?tempauth=${session.secret}`,
      expirationDateTime: new Date(session.expiresAt).toISOString(),
      nextExpectedRanges: ['0-'],
    };
  }

  /** Expire the session an upload-URL path addresses (fault injection). */
  expireByPath(rawPath: string): void {
    const session = this.#sessions.get(rawPath.slice(UPLOAD_PATH_PREFIX.length));
    if (session) session.expiresAt = 0;
  }

  /** Number of open sessions (expired ones not yet swept included). */
  get size(): number {
    return this.#sessions.size;
  }

  /** Drop expired sessions and their temp files. */
  async sweep(now: number): Promise<void> {
    for (const session of this.#sessions.values()) {
      if (session.expiresAt <= now && !session.isBusy) await this.#discard(session);
    }
  }

  /** Drop every session (emulator closing). */
  async discardAll(): Promise<void> {
    for (const session of [...this.#sessions.values()]) await this.#discard(session);
  }

  async #discard(session: UploadSession): Promise<void> {
    this.#sessions.delete(session.id);
    await rm(session.tempPath, { force: true });
  }

  /** Serve a request to an upload URL (PUT fragment, GET status, DELETE cancel). */
  async handle(
    context: RequestContext,
    faults: UploadUrlFaults = { loseFragment: false },
  ): Promise<void> {
    if (context.request.headers.authorization !== undefined) {
      throw new GraphError(
        401,
        'unauthenticated',
        'Upload URLs are pre-authenticated: do not send an Authorization header with them.',
      );
    }
    const session = this.#sessions.get(context.rawPath.slice(UPLOAD_PATH_PREFIX.length));
    if (!session || session.expiresAt <= Date.now()) {
      if (session && !session.isBusy) await this.#discard(session);
      throw new GraphError(
        404,
        'itemNotFound',
        'The upload session was not found or has expired.',
        {
          innerCode: 'uploadSessionNotFound',
        },
      );
    }
    if (context.query.get('tempauth') !== session.secret) {
      throw new GraphError(401, 'unauthenticated', 'The upload URL credential is not valid.');
    }
    if (context.method === 'GET') {
      sendJson(context, 200, this.#status(session));
    } else if (context.method === 'DELETE') {
      if (session.isBusy)
        throw new GraphError(409, 'invalidRequest', 'A fragment is being received.');
      await this.#discard(session);
      sendEmpty(context, 204);
    } else if (context.method === 'POST') {
      await this.#commitDeferred(context, session);
    } else if (context.method === 'PUT') {
      await this.#receiveFragment(context, session, faults);
    } else {
      throw new GraphError(
        405,
        'invalidRequest',
        `${context.method} is not supported on an upload URL.`,
      );
    }
  }

  #status(session: UploadSession): Record<string, unknown> {
    return {
      expirationDateTime: new Date(session.expiresAt).toISOString(),
      nextExpectedRanges: session.received.missing(session.declaredSize),
    };
  }

  async #receiveFragment(
    context: RequestContext,
    session: UploadSession,
    faults: UploadUrlFaults,
  ): Promise<void> {
    const { start, end, total } = parseContentRange(context.request.headers['content-range']);
    const length = end - start + 1;
    const contentLength = context.request.headers['content-length'];
    if (contentLength === undefined) {
      throw new GraphError(411, 'invalidRequest', 'A Content-Length header is required.');
    }
    if (Number(contentLength) !== length) {
      throw new GraphError(
        400,
        'invalidRequest',
        `Content-Length ${contentLength} does not match Content-Range bytes ${start}-${end}.`,
      );
    }
    if (session.declaredSize !== undefined && total !== session.declaredSize) {
      throw new GraphError(
        400,
        'invalidRequest',
        `Declared total size ${total} differs from the upload session's ${session.declaredSize}.`,
        { innerCode: 'fragmentLengthMismatch' },
      );
    }
    if (session.isBusy || session.received.overlaps(start, end)) {
      throw new GraphError(
        416,
        'invalidRange',
        'The uploaded fragment overlaps with data that has already been received.',
        {
          innerCode: 'fragmentOverlap',
        },
      );
    }
    // A fragment continues at the high-water mark, or fills a gap from its first byte (several
    // nextExpectedRanges, "parts of the file that the server hasn't yet received").
    if (!session.received.isExpectedStart(start)) {
      throw new GraphError(
        416,
        'invalidRange',
        `The uploaded fragment is out of order: expected a fragment starting at byte ${session.received.firstExpected()}.`,
        { innerCode: 'fragmentOutOfOrder' },
      );
    }
    if (length >= MAX_FRAGMENT_BYTES) {
      throw new GraphError(
        413,
        'invalidRequest',
        `Each fragment must be less than 60 MiB (62,914,560 bytes); this one has ${length} bytes.`,
        {
          innerCode: 'maxFragmentLengthExceeded',
        },
      );
    }
    const isLast = end === total - 1;
    if (!isLast && length % FRAGMENT_MULTIPLE_BYTES !== 0) {
      throw new GraphError(
        400,
        'invalidRequest',
        `Fragment size ${length} is not a multiple of 320 KiB (327,680 bytes); only the last fragment may be shorter.`,
      );
    }
    session.declaredSize = total;
    session.isBusy = true;
    const isInOrder = session.isHashStreamed && start === session.received.highWater;
    const working = isInOrder ? session.hash.clone() : new QuickXorHash();
    try {
      const received = await receiveToFile(context.body, session.tempPath, {
        start,
        maxBytes: length,
        hash: working,
        truncate: false,
      });
      if (received !== length) {
        throw new GraphError(
          400,
          'invalidRequest',
          `Received ${received} of ${length} fragment bytes.`,
        );
      }
    } finally {
      session.isBusy = false;
    }
    if (isInOrder) session.hash = working;
    else session.isHashStreamed = false;
    session.received.add(start, end);
    session.expiresAt = Date.now() + this.#lifetimeMs;
    if (!session.received.isComplete(total)) {
      sendJson(context, 202, this.#status(session));
      if (faults.loseFragment) {
        // The fault: the fragment was acknowledged, then lost; the session reports it missing.
        session.received.forget(start, end);
        session.isHashStreamed = false;
      }
      return;
    }
    if (!session.isHashStreamed) session.hash = await hashFile(session.tempPath);
    if (session.isCommitDeferred) {
      sendJson(context, 202, this.#status(session));
      return;
    }
    await this.#complete(context, session, total);
  }

  /**
   * Complete a deferCommit session: "send a final POST request to the upload URL with
   * zero-length content" after the final byte range (driveitem-createuploadsession.md,
   * "Completing a file") → 201/200 with the driveItem. Before every byte is in → 400
   * (inner uploadSessionIncomplete, concepts/errors.md).
   */
  async #commitDeferred(context: RequestContext, session: UploadSession): Promise<void> {
    if (!session.isCommitDeferred) {
      throw new GraphError(
        405,
        'invalidRequest',
        'POST completes only an upload session created with "deferCommit": true.',
      );
    }
    const { headers } = context.request;
    if (headers['content-length'] !== '0' || headers['transfer-encoding'] !== undefined) {
      throw new GraphError(
        400,
        'invalidRequest',
        'The POST that completes an upload session has zero-length content (Content-Length: 0).',
      );
    }
    const total = session.declaredSize;
    if (total === undefined || !session.received.isComplete(total)) {
      throw new GraphError(
        400,
        'invalidRequest',
        'The upload session is incomplete: upload every byte range before completing it.',
        { innerCode: 'uploadSessionIncomplete' },
      );
    }
    if (session.isBusy) throw new GraphError(409, 'invalidRequest', 'The session is completing.');
    session.isBusy = true;
    try {
      await this.#complete(context, session, total);
    } finally {
      session.isBusy = false;
    }
  }

  async #complete(context: RequestContext, session: UploadSession, total: number): Promise<void> {
    const { store, target } = session;
    const name = target.kind === 'new' ? target.name : target.item.name;
    let size = total;
    if (this.#modifyOfficeDocuments) {
      const finalHash = session.hash.clone();
      size += await rewriteOfficeDocument(session.tempPath, name, finalHash);
      session.hash = finalHash;
    }
    const upload = {
      tempPath: session.tempPath,
      size,
      quickXorHash: session.hash.digest(),
      fileSystemInfo: session.fileSystemInfo,
    };
    const committed =
      target.kind === 'new'
        ? await store.commitFile(
            { parent: await store.ensureFolders(target.base, target.folderSegments), name },
            upload,
            session.behavior,
          )
        : await store.commitFile({ item: target.item }, upload, 'replace');
    this.#sessions.delete(session.id);
    sendJson(context, committed.created ? 201 : 200, renderItem(store, committed.item));
  }
}

/** What a fault rule may change about one upload-URL request. */
export interface UploadUrlFaults {
  /**
   * Acknowledge a fragment that does not complete the file (202), then lose its bytes: the
   * session lists them as a gap in nextExpectedRanges from then on.
   */
  readonly loseFragment: boolean;
}

/** The quickXorHash of a whole file, read from disk. */
async function hashFile(filePath: string): Promise<QuickXorHash> {
  const hash = new QuickXorHash();
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash;
}

function parseContentRange(header: string | undefined): {
  start: number;
  end: number;
  total: number;
} {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header?.trim() ?? '');
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  const total = Number(match?.[3]);
  if (!match || end < start || end >= total) {
    throw new GraphError(
      400,
      'invalidRequest',
      `Content-Range "${header ?? ''}" must be "bytes {first}-{last}/{total}" within the file.`,
      { innerCode: 'invalidRange' },
    );
  }
  return { start, end, total };
}
