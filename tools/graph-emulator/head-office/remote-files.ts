// Changes made on SharePoint's side, as a person at head office makes them in the browser: add or
// replace a file by its path in a library, set its library columns, delete one, or make the
// service refuse every delta token issued so far. Tests use it in process (emulator.remote) or
// over the control API; the
// head-office drop folder (drop-folder.ts) goes through it too. Each change goes through the
// library's store, so it gets an id, eTag and cTag and shows up in delta like any other.

import { copyFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DriveStore, ItemRecord } from '../drive-store.ts';
import { hashFile } from '../drive-store.ts';
import { GraphError } from '../http-util.ts';
import { randomToken } from '../ids.ts';
import type { ResyncCode } from '../delta/change-log.ts';

/** A file in a library, by its path ('Responses/Site A/answer.pdf'). */
export interface RemotePath {
  readonly path: string;
  /** The library's name; default: the first library of the first site. */
  readonly library?: string;
}

/** What a put did: the file's item, and whether its bytes changed (a new eTag and cTag). */
export interface RemotePutResult {
  readonly item: ItemRecord;
  readonly isChanged: boolean;
}

/** Head office's side of the libraries. */
export class RemoteFiles {
  readonly #drives: () => readonly DriveStore[];
  readonly #tempDirectory: string;

  constructor(options: { drives: () => readonly DriveStore[]; tempDirectory: string }) {
    this.#drives = options.drives;
    this.#tempDirectory = options.tempDirectory;
  }

  /**
   * Add a file, or replace the one at that path (same id, new eTag and cTag); missing folders are
   * made. Bytes equal to what is there change nothing. `content` is the bytes, or a file to copy.
   */
  async putFile(
    target: RemotePath,
    content: Buffer | string | { readonly sourceFile: string },
    fileSystemInfo?: { readonly modifiedAt?: number },
  ): Promise<RemotePutResult> {
    const store = this.drive(target.library);
    const segments = target.path.split('/').filter((segment) => segment !== '');
    const name = segments.pop();
    if (name === undefined) throw new GraphError(400, 'invalidRequest', 'A file path is needed.');
    const tempPath = path.join(this.#tempDirectory, `${randomToken(12)}.remote`);
    let isCommitted = false;
    try {
      if (typeof content === 'object' && 'sourceFile' in content) {
        await copyFile(content.sourceFile, tempPath);
      } else {
        await writeFile(tempPath, content);
      }
      const [quickXorHash, { size }] = await Promise.all([hashFile(tempPath), stat(tempPath)]);
      const parent = await store.ensureFolders(store.root, segments);
      const existing = parent.children.get(name.toLowerCase());
      if (existing && !existing.isFolder && existing.quickXorHash === quickXorHash) {
        return { item: existing, isChanged: false };
      }
      const { item } = await store.commitFile(
        { parent, name },
        { tempPath, size, quickXorHash, ...(fileSystemInfo ? { fileSystemInfo } : {}) },
        'replace',
      );
      isCommitted = true;
      return { item, isChanged: true };
    } finally {
      if (!isCommitted) await rm(tempPath, { force: true });
    }
  }

  /**
   * Set library column values of the file at a path (null clears one), as a person editing the
   * file's properties does: a new eTag, the same cTag (driveitem.md: cTag "is not changed if only
   * the metadata is changed"), and the file shows up in delta again.
   */
  setColumns(target: RemotePath, fields: Record<string, string | number | boolean | null>): void {
    const store = this.drive(target.library);
    const segments = target.path.split('/').filter((segment) => segment !== '');
    const item = segments.length === 0 ? undefined : store.resolve(store.root, segments);
    if (!item || item.isFolder) throw new GraphError(404, 'itemNotFound', 'No such file.');
    store.updateFields(item, fields);
  }

  /** Delete the file or folder at a path; false when there is none. */
  async deleteItem(target: RemotePath): Promise<boolean> {
    const store = this.drive(target.library);
    const segments = target.path.split('/').filter((segment) => segment !== '');
    const item = segments.length === 0 ? undefined : store.resolve(store.root, segments);
    if (!item) return false;
    await store.deleteItem(item);
    return true;
  }

  /**
   * Make every delta token of a drive (default: of every drive) issued so far answer 410 Gone
   * with `code` (driveitem-delta.md: "if server state has changed and a new token is required").
   */
  invalidateDeltaTokens(options: { driveId?: string; code?: ResyncCode } = {}): void {
    const drives = this.#drives().filter(
      (store) => options.driveId === undefined || store.info.id === options.driveId,
    );
    if (drives.length === 0) throw new GraphError(404, 'itemNotFound', 'No such drive.');
    for (const store of drives) store.changes.invalidateTokens(options.code);
  }

  /** The library named `library` (case-insensitive), or the first one. */
  drive(library: string | undefined): DriveStore {
    const drives = this.#drives();
    const store =
      library === undefined
        ? drives[0]
        : drives.find((candidate) => candidate.info.name.toLowerCase() === library.toLowerCase());
    if (!store) throw new GraphError(404, 'itemNotFound', `No library "${library ?? ''}".`);
    return store;
  }
}
