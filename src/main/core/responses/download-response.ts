import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { RemoteFile, RemoteFiles } from '../delivery/index.ts';
import type { Logger } from '../logging/index.ts';
import type { ResponseRecord, Store } from '../store/index.ts';
import { findRemoteNameProblems } from './local-names.ts';
import {
  hashFile,
  preparePartialPath,
  restartPartial,
  resumeOffset,
  writeBody,
} from './partial-file.ts';
import { placeResponse } from './place-response.ts';
import { ResponseProblem } from './response-problem.ts';

/** Where one watched folder's responses come from and go to. */
export interface ResponseMapping {
  /** The watched folder's id. */
  mappingId: string;
  library: string;
  /** The remote folder, '/'-separated under the library root. */
  remotePath: string;
  /** The local responses folder (absolute). */
  localFolder: string;
  /** A response larger than this waits for a person. */
  maxSizeBytes: number;
  /** Whether the first check brings what the remote folder holds already. */
  alsoBringExisting: boolean;
  /** The library column whose value names the request a response answers, if any. */
  requestIdColumn?: string | undefined;
}

/** What a download needs of the agent. */
export interface DownloadParts {
  store: Store;
  remote: RemoteFiles;
  logger: Logger;
  signal: AbortSignal;
  /** Free space left on the responses folder's disk after a download, at least. */
  minimumFreeBytes: number;
  /** Bytes written between syncs of the partial file (each sync stores the offset). */
  syncEveryBytes: number;
  /** The request a response answers, from its name or its bytes, or null. */
  findRequestId(name: string, localPath: string): Promise<string | null>;
  /** The request a library column's value names, or null (not a request SiteDrop delivered). */
  requestIdOfColumn(value: unknown): string | null;
}

/** How often an expired URL or a dropped connection is answered in one run before giving up. */
const maxRoundsPerRun = 8;

/**
 * Brings one response from SharePoint into its local folder, resuming where a crash or a
 * dropped connection left it (docs/responses.md, "Download"):
 * `GET …/content` → 302 → the pre-authenticated URL without Authorization → the partial file,
 * its offset stored at every sync → size and quickXorHash checked → fsync, mtime, rename into
 * place, never over a file a person made or changed.
 *
 * @throws only what the next run may fix by itself (SharePoint unreachable or throttling, the
 *   breaker open, the agent closing): the response stays where it was. Everything a person must
 *   fix becomes `failed` with a sentence.
 */
export async function bringResponse(
  response: ResponseRecord,
  mapping: ResponseMapping,
  parts: DownloadParts,
): Promise<ResponseRecord> {
  try {
    return await new ResponseDownload(response, mapping, parts).run();
  } catch (error) {
    const problem = ResponseProblem.from(error, mapping, response);
    if (!problem) throw error;
    return parts.store.responses.markFailed(response.id, problem.code, problem.message);
  }
}

/** One run of one response's download. */
class ResponseDownload {
  #response: ResponseRecord;
  readonly #mapping: ResponseMapping;
  readonly #parts: DownloadParts;
  #driveId = '';
  #partialPath = '';
  #offset = 0;
  #hasReadAgainForHash = false;

  constructor(response: ResponseRecord, mapping: ResponseMapping, parts: DownloadParts) {
    this.#response = response;
    this.#mapping = mapping;
    this.#parts = parts;
  }

  get #inbox() {
    return this.#parts.store.responses;
  }

  async run(): Promise<ResponseRecord> {
    const nameProblems = findRemoteNameProblems(this.#response.name);
    if (nameProblems.length > 0) throw ResponseProblem.badName(this.#response.name, nameProblems);
    this.#driveId = await this.#parts.remote.driveId(this.#mapping.library, this.#parts.signal);
    if (this.#response.cTag === null || this.#response.sizeBytes === null) {
      const current = await this.#readItem();
      if (!current) return this.#inbox.markSkipped(this.#response.id, 'deleted');
      this.#adopt(current);
    }
    const held = this.#inbox.readyOfRemoteItem(
      this.#mapping.mappingId,
      this.#response.remoteItemId,
    );
    if (held && held.id !== this.#response.id && held.cTag === this.#response.cTag) {
      return this.#inbox.markSkipped(this.#response.id, 'unchanged');
    }
    const sizeBytes = this.#response.sizeBytes ?? 0;
    if (sizeBytes > this.#mapping.maxSizeBytes) {
      throw ResponseProblem.tooLarge(this.#response.name, sizeBytes, this.#mapping.maxSizeBytes);
    }
    await fs.promises.mkdir(this.#mapping.localFolder, { recursive: true });
    this.#partialPath = await preparePartialPath(this.#mapping.localFolder, this.#response.id);
    this.#offset = await resumeOffset(this.#partialPath, this.#response.downloadOffset);
    await this.#checkFreeSpace(sizeBytes - this.#offset);
    for (;;) {
      if (this.#response.state !== 'verifying' || this.#offset < (this.#response.sizeBytes ?? 0)) {
        this.#response = this.#inbox.startDownloading(this.#response.id, this.#offset);
        const outcome = await this.#download();
        if (outcome === 'deleted') return this.#skipDeleted();
        this.#response = this.#inbox.markVerifying(this.#response.id, {
          downloadOffset: this.#offset,
        });
      }
      const verified = await this.#verify();
      if (verified === 'deleted') return this.#skipDeleted();
      if (verified === 'download-again') continue;
      // Read before the file is put in place: a read that fails for now leaves it verifying.
      return this.#place(verified, await this.#requestIdFromColumn());
    }
  }

  /** Downloads until every byte is in the partial file; 'deleted' when the file went away. */
  async #download(): Promise<'complete' | 'deleted'> {
    const sizeBytes = this.#response.sizeBytes ?? 0;
    const label = `the response "${this.#response.name}"`;
    for (let round = 1; ; round += 1) {
      if (this.#offset >= sizeBytes && sizeBytes > 0) return 'complete';
      const { remote, signal } = this.#parts;
      const url = await remote.downloadUrl(this.#driveId, this.#response.remoteItemId, signal);
      if (url === undefined) return 'deleted';
      const answer = await remote.openDownload(url, this.#offset, { signal, label });
      if (answer.kind === 'gone') return 'deleted';
      if (answer.kind === 'expired') {
        // The URL's lifetime is short: read the item again, and resume only the same version.
        const current = await this.#readItem();
        if (!current) return 'deleted';
        if (current.cTag !== this.#response.cTag) await this.#startAgain(current);
      } else if (answer.kind === 'range-not-satisfiable') {
        if (answer.totalBytes === this.#offset) return 'complete';
        await this.#startAgain();
      } else {
        if (answer.startOffset !== this.#offset) {
          if (answer.startOffset !== 0) {
            answer.body.destroy();
            throw ResponseProblem.badRange(this.#response.name);
          }
          // A 200 to a Range request (the service may ignore Range): its body is the whole file,
          // so the download starts again from byte 0 with it.
          await this.#startAgain();
        }
        const isComplete = await this.#writeBody(answer.body, answer.startOffset);
        if (isComplete && (sizeBytes === 0 || this.#offset >= sizeBytes)) return 'complete';
      }
      if (round >= maxRoundsPerRun) throw ResponseProblem.keepsFailing(this.#response.name);
    }
  }

  /** Writes a body; false when the connection dropped (the bytes so far are kept). */
  async #writeBody(body: Readable, startOffset: number): Promise<boolean> {
    try {
      this.#offset = await writeBody({
        partialPath: this.#partialPath,
        startOffset,
        body,
        syncEveryBytes: this.#parts.syncEveryBytes,
        onSynced: (offsetBytes) => {
          this.#offset = offsetBytes;
          this.#inbox.update(this.#response.id, { downloadOffset: offsetBytes });
        },
      });
      return true;
    } catch (error) {
      if (this.#parts.signal.aborted || ResponseProblem.isLocal(error)) throw error;
      this.#parts.logger.warn(
        {
          responseId: this.#response.id,
          offsetBytes: this.#offset,
          code: (error as { code?: string }).code,
        },
        'A response download was interrupted; it resumes from the bytes already written',
      );
      return false;
    }
  }

  /** Size and quickXorHash of the partial file against what SharePoint lists. */
  async #verify(): Promise<
    { quickXorHash: string; sizeBytes: number; note?: string } | 'deleted' | 'download-again'
  > {
    const actual = await hashFile(this.#partialPath);
    const expected = this.#response;
    const isSizeRight = expected.sizeBytes === null || actual.sizeBytes === expected.sizeBytes;
    const isHashRight =
      expected.quickXorHash === null || actual.quickXorHash === expected.quickXorHash;
    if (isSizeRight && isHashRight) {
      if (expected.quickXorHash !== null) return actual;
      return {
        ...actual,
        note: 'SharePoint gave no quickXorHash for this file; its size was checked.',
      };
    }
    if (this.#hasReadAgainForHash) return this.#refuse(actual);
    // SharePoint rewrites some files (Office documents) after listing them: read the listing once
    // more before calling the bytes wrong (OneDrive/onedrive-api-docs#935).
    this.#hasReadAgainForHash = true;
    const current = await this.#readItem();
    if (!current) return 'deleted';
    if (current.cTag !== expected.cTag) {
      // Another version by now: it is brought from its first byte.
      await this.#startAgain(current);
      return 'download-again';
    }
    this.#adopt(current);
    const listed = this.#response;
    if (
      (listed.sizeBytes === null || listed.sizeBytes === actual.sizeBytes) &&
      (listed.quickXorHash === null || listed.quickXorHash === actual.quickXorHash)
    ) {
      return actual;
    }
    return this.#refuse(actual);
  }

  /** Bytes that stay wrong are dropped (a Retry brings them anew) and the response fails. */
  async #refuse(actual: { quickXorHash: string; sizeBytes: number }): Promise<never> {
    await this.#startAgain();
    await fs.promises.rm(this.#partialPath, { force: true });
    throw ResponseProblem.contentDiffers(this.#response.name, actual, this.#response);
  }

  /** The request the mapping's library column names for this file, or null. */
  async #requestIdFromColumn(): Promise<string | null> {
    const column = this.#mapping.requestIdColumn;
    if (column === undefined) return null;
    const { remote, signal } = this.#parts;
    const columns = await remote.readColumns(this.#driveId, this.#response.remoteItemId, signal);
    return this.#parts.requestIdOfColumn(columns?.[column]);
  }

  async #place(
    verified: { sizeBytes: number; note?: string },
    columnRequestId: string | null,
  ): Promise<ResponseRecord> {
    const previous = this.#inbox.readyOfRemoteItem(
      this.#mapping.mappingId,
      this.#response.remoteItemId,
    );
    const localPath = await placeResponse({
      partialPath: this.#partialPath,
      folder: this.#mapping.localFolder,
      name: this.#response.name,
      modifiedAt: this.#response.remoteModifiedAt,
      previous: previous && previous.id !== this.#response.id ? previous : undefined,
    });
    const requestId =
      columnRequestId ?? (await this.#parts.findRequestId(this.#response.name, localPath));
    const ready = this.#inbox.markReady(this.#response.id, {
      localPath,
      sizeBytes: verified.sizeBytes,
      requestId,
      verificationNote: verified.note,
    });
    await fs.promises.rm(this.#partialPath, { force: true });
    return ready;
  }

  async #checkFreeSpace(remainingBytes: number): Promise<void> {
    const stats = await fs.promises.statfs(this.#mapping.localFolder);
    const freeBytes = stats.bavail * stats.bsize;
    if (freeBytes - remainingBytes < this.#parts.minimumFreeBytes) {
      throw ResponseProblem.diskFull(
        this.#response.name,
        this.#mapping.localFolder,
        remainingBytes,
        freeBytes,
      );
    }
  }

  async #startAgain(current?: RemoteFile): Promise<void> {
    if (current) this.#adopt(current);
    await restartPartial(this.#partialPath);
    this.#offset = 0;
    this.#response = this.#inbox.update(this.#response.id, { downloadOffset: 0 });
  }

  /** Takes SharePoint's current listing of the file as the version being brought. */
  #adopt(current: RemoteFile): void {
    this.#response = this.#inbox.update(this.#response.id, {
      eTag: current.eTag,
      cTag: current.cTag,
      sizeBytes: current.sizeBytes,
      quickXorHash: current.quickXorHash,
      remoteModifiedAt: current.remoteModifiedAt,
    });
  }

  #readItem(): Promise<RemoteFile | undefined> {
    return this.#parts.remote.readItem(
      this.#driveId,
      this.#response.remoteItemId,
      this.#parts.signal,
    );
  }

  async #skipDeleted(): Promise<ResponseRecord> {
    if (this.#partialPath) await fs.promises.rm(this.#partialPath, { force: true });
    return this.#inbox.markSkipped(this.#response.id, 'deleted');
  }
}
