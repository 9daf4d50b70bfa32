// One document library: its folder tree in memory (ids, eTags, column values) and its bytes on
// disk as plain files under `<rootDir>/<library>/`. Every mutation runs through one queue per
// library, so conflict checks and renames on disk never interleave.

import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DiskNameMap } from './disk-names.ts';
import {
  assertFolder,
  freeName,
  itemNotFound,
  joinRelative,
  nameAlreadyExists,
  touchAncestors,
} from './drive-records.ts';
import type {
  ClientFileTimes,
  ConflictBehavior,
  DriveInfo,
  FieldValue,
  ItemRecord,
} from './drive-records.ts';
import { ItemJournal, journaledItemOf } from './item-journal.ts';
import { DriveChangeLog } from './delta/change-log.ts';
import { recordVanishedItems } from './delta/vanished-items.ts';
import type { JournaledItem } from './item-journal.ts';
import { guidFrom, itemIdFrom } from './ids.ts';
import { GraphError } from './http-util.ts';
import { assertPathFits, assertValidName } from './name-rules.ts';
import { walkLibrary } from './library-walk.ts';

export { hashFile, itemNotFound } from './drive-records.ts';
export type {
  ClientFileTimes,
  ConflictBehavior,
  DriveInfo,
  FieldValue,
  ItemRecord,
  SiteInfo,
} from './drive-records.ts';

/** A library's items, backed by a folder on disk. */
export class DriveStore {
  readonly info: DriveInfo;
  readonly root: ItemRecord;
  /** The change journal delta queries read (delta/change-log.ts). */
  readonly changes: DriveChangeLog;
  readonly #byId = new Map<string, ItemRecord>();
  readonly #diskNames: DiskNameMap;
  readonly #journal: ItemJournal;
  /** The library's server-relative path, decoded ('/sites/SiteOffice/Documents'). */
  readonly #serverRelativeRoot: string;
  #nextListItemId = 1;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    info: DriveInfo,
    diskNames: DiskNameMap,
    journal: ItemJournal,
    changes: DriveChangeLog,
  ) {
    this.info = info;
    this.#diskNames = diskNames;
    this.#journal = journal;
    this.changes = changes;
    changes.observe(journal.largestChangeSequence());
    this.#nextListItemId = journal.largestListItemId() + 1;
    this.#serverRelativeRoot = decodeURIComponent(new URL(info.webUrl).pathname);
    this.root = this.#newRecord(undefined, 'root', '', true, info.createdAt);
  }

  /**
   * Open a library: create its folder if needed and index the files already in it. Names the
   * disk could not hold (disk-names.ts) and what the emulator knew of each item (ids, versions,
   * column values: item-journal.ts) are read back from `<rootDir>/.graph-emulator-state/`.
   */
  static async open(info: DriveInfo): Promise<DriveStore> {
    const stateDirectory = path.join(path.dirname(info.directory), '.graph-emulator-state');
    const store = new DriveStore(
      info,
      await DiskNameMap.open(stateDirectory, info.name),
      await ItemJournal.open(stateDirectory, info.name),
      await DriveChangeLog.open(stateDirectory, info.name),
    );
    await mkdir(info.directory, { recursive: true });
    await store.#index();
    store.changes.markOpened();
    return store;
  }

  /**
   * Index the library's directory. An item the journal knows keeps its id, list item id,
   * versions, times and column values; a file whose bytes differ from the journal's (changed
   * behind the emulator's back) gets new eTag and cTag versions, as any change does. The journal
   * is then rewritten as exactly what was found.
   */
  async #index(): Promise<void> {
    const folders = new Map<string, ItemRecord>([['', this.root]]);
    const found = new Map<string, JournaledItem>();
    for await (const entry of walkLibrary(this.info.directory)) {
      const diskPath = joinRelative(entry.parentDiskPath, entry.diskName);
      const recalled = this.#journal.recalled(diskPath);
      const parent = folders.get(entry.parentDiskPath) ?? this.root;
      const name = this.#diskNames.realNameOf(entry.diskName);
      const record = this.#newRecord(
        parent,
        name,
        entry.diskName,
        entry.isFolder,
        entry.birthtimeMs,
        recalled,
      );
      record.size = entry.size;
      record.quickXorHash = entry.quickXorHash;
      if (!recalled) {
        record.modifiedAt = entry.mtimeMs;
        this.changes.changed(record);
      } else if (!entry.isFolder && recalled.quickXorHash !== entry.quickXorHash) {
        record.version += 1;
        record.contentVersion += 1;
        record.modifiedAt = entry.mtimeMs;
        this.changes.changed(record);
      }
      if (entry.isFolder) folders.set(diskPath, record);
      found.set(diskPath, journaledItemOf(record));
    }
    recordVanishedItems(this.changes, this.#journal.recalledItems(), found, this.root.id);
    await this.#journal.rewrite(found);
  }

  /** Record an item's current state in the journal, under its path on disk. */
  #remember(item: ItemRecord): void {
    this.#journal.record(this.#diskRelative(item), journaledItemOf(item));
  }

  /** Record that an item and everything below it are gone from their paths on disk. */
  #forget(item: ItemRecord): void {
    this.#journal.record(this.#diskRelative(item), null);
    for (const child of item.children.values()) this.#forget(child);
  }

  /** An item's path on disk below the library, '/'-separated ('' for the root). */
  #diskRelative(record: ItemRecord): string {
    const names: string[] = [];
    for (let current = record; current.parent !== undefined; current = current.parent) {
      names.unshift(current.diskName);
    }
    return names.join('/');
  }

  /** Write what the journals have pending. Idempotent. */
  async close(): Promise<void> {
    await Promise.all([this.#journal.close(), this.changes.close()]);
  }

  #newRecord(
    parent: ItemRecord | undefined,
    name: string,
    diskName: string,
    isFolder: boolean,
    createdAt: number,
    recalled?: JournaledItem,
  ): ItemRecord {
    const relative = parent === undefined ? '' : joinRelative(this.relativePath(parent), name);
    const id = recalled?.id ?? this.#freeId(relative);
    const record: ItemRecord = {
      id,
      name,
      diskName,
      parent,
      isFolder,
      children: new Map(),
      guid: guidFrom(`${this.info.id}/${id}`),
      listItemId: recalled?.listItemId ?? (parent === undefined ? 0 : this.#nextListItemId++),
      createdAt: recalled?.createdAt ?? createdAt,
      modifiedAt: recalled?.modifiedAt ?? createdAt,
      version: recalled?.version ?? 1,
      contentVersion: recalled?.contentVersion ?? 1,
      changeSequence: recalled?.changeSequence ?? 0,
      fileSystemInfo: recalled?.fileSystemInfo,
      size: 0,
      quickXorHash: '',
      fields: new Map(Object.entries(recalled?.fields ?? {})),
    };
    this.#byId.set(id, record);
    parent?.children.set(name.toLowerCase(), record);
    return record;
  }

  /**
   * A new item's id, derived from its path; if another item holds that id (it was created at this
   * path and moved away, or the journal gives it to an item not yet indexed), the next variant.
   */
  #freeId(relative: string): string {
    let id = itemIdFrom(this.info.id, relative);
    for (let variant = 1; this.#byId.has(id) || this.#journal.knowsId(id); variant++) {
      id = itemIdFrom(this.info.id, `${relative}\n${variant}`);
    }
    return id;
  }

  /** The item with this id, if it exists. */
  get(id: string): ItemRecord | undefined {
    return this.#byId.get(id);
  }

  /** The item at `segments` below `base` (names compared case-insensitively). */
  resolve(base: ItemRecord, segments: readonly string[]): ItemRecord | undefined {
    let current: ItemRecord | undefined = base;
    for (const segment of segments) {
      current = current?.children.get(segment.toLowerCase());
      if (current === undefined) return undefined;
    }
    return current;
  }

  /** Path of an item relative to the library root, '/'-separated ('' for the root). */
  relativePath(record: ItemRecord): string {
    const names: string[] = [];
    for (let current = record; current.parent !== undefined; current = current.parent) {
      names.unshift(current.name);
    }
    return names.join('/');
  }

  /** Where an item lives on disk (its own and its folders' disk names under the library). */
  diskPath(record: ItemRecord): string {
    return path.join(this.info.directory, ...this.#diskRelative(record).split('/'));
  }

  /**
   * Refuse `name` in `parent` as SharePoint would: its name rules, and a decoded server-relative
   * path ('/sites/…/Documents/a/b.pdf') of at most 400 characters (name-rules.ts).
   */
  #assertAllowed(parent: ItemRecord, name: string, isFolder: boolean): void {
    assertValidName(name, { isFolder, isLibraryRoot: parent.parent === undefined });
    assertPathFits(`${this.#serverRelativeRoot}/${joinRelative(this.relativePath(parent), name)}`);
  }

  /** Check a name for a new file in `parent` before its bytes are received. */
  assertNewFileAllowed(parent: ItemRecord, folderSegments: readonly string[], name: string): void {
    let relative = this.relativePath(parent);
    let isLibraryRoot = parent.parent === undefined;
    for (const segment of folderSegments) {
      assertValidName(segment, { isFolder: true, isLibraryRoot });
      relative = joinRelative(relative, segment);
      isLibraryRoot = false;
    }
    assertValidName(name, { isFolder: false, isLibraryRoot });
    assertPathFits(`${this.#serverRelativeRoot}/${joinRelative(relative, name)}`);
  }

  /** Total size of a folder's files, recursively (what SharePoint reports as a folder's size). */
  folderSize(record: ItemRecord): number {
    let total = 0;
    for (const child of record.children.values()) {
      total += child.isFolder ? this.folderSize(child) : child.size;
    }
    return total;
  }

  /** Run a mutation after every earlier one finished (one writer per library). */
  serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation, operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Create (or find, with replace) a folder; `created` tells 201 from 200. */
  createFolder(
    parent: ItemRecord,
    name: string,
    behavior: ConflictBehavior,
  ): Promise<{ item: ItemRecord; created: boolean }> {
    return this.serialize(async () => {
      assertFolder(parent);
      this.#assertAllowed(parent, name, true);
      const existing = parent.children.get(name.toLowerCase());
      if (existing) {
        if (behavior === 'fail') throw nameAlreadyExists(name);
        if (behavior === 'replace' && existing.isFolder) return { item: existing, created: false };
        if (behavior === 'replace') await this.#remove(existing);
        else name = freeName(parent, name);
        this.#assertAllowed(parent, name, true);
      }
      // The directory first: a record exists only for what the disk holds.
      const diskName = await this.#diskNames.diskNameFor(name);
      await mkdir(path.join(this.diskPath(parent), diskName), { recursive: true });
      const item = this.#newRecord(parent, name, diskName, true, Date.now());
      touchAncestors(parent);
      this.changes.changed(item);
      this.#remember(item);
      return { item, created: true };
    });
  }

  /** The folder at `segments` below `base`, creating missing folders as path-based uploads do. */
  async ensureFolders(base: ItemRecord, segments: readonly string[]): Promise<ItemRecord> {
    let current = base;
    for (const segment of segments) {
      const existing = current.children.get(segment.toLowerCase());
      if (existing && !existing.isFolder) {
        throw new GraphError(409, 'nameAlreadyExists', `"${segment}" is a file, not a folder.`);
      }
      current = existing ?? (await this.createFolder(current, segment, 'replace')).item;
    }
    return current;
  }

  /**
   * Move an uploaded temp file into place as `name` in `parent` (or over `replaceItem`), applying
   * the conflict behavior; `created` tells 201 from 200.
   */
  commitFile(
    target: { parent: ItemRecord; name: string } | { item: ItemRecord },
    upload: {
      tempPath: string;
      size: number;
      quickXorHash: string;
      fileSystemInfo?: ClientFileTimes;
    },
    behavior: ConflictBehavior,
  ): Promise<{ item: ItemRecord; created: boolean }> {
    return this.serialize(async () => {
      let existing: ItemRecord | undefined;
      let parent: ItemRecord;
      let name: string;
      if ('item' in target) {
        if (!this.#byId.has(target.item.id)) throw itemNotFound();
        existing = target.item;
        parent = target.item.parent ?? this.root;
        name = target.item.name;
      } else {
        ({ parent, name } = target);
        assertFolder(parent);
        this.#assertAllowed(parent, name, false);
        existing = parent.children.get(name.toLowerCase());
        if (existing && (behavior === 'fail' || (existing.isFolder && behavior === 'replace'))) {
          throw nameAlreadyExists(name);
        }
        if (existing && behavior === 'rename') {
          name = freeName(parent, name);
          this.#assertAllowed(parent, name, false);
          existing = undefined;
        }
      }
      const now = Date.now();
      // The bytes first: a record exists only for what the disk holds, so a failed store
      // leaves nothing behind.
      const diskName = existing?.diskName ?? (await this.#diskNames.diskNameFor(name));
      await this.#moveIntoPlace(upload.tempPath, path.join(this.diskPath(parent), diskName));
      const item = existing ?? this.#newRecord(parent, name, diskName, false, now);
      // "If the file's content is updated and these properties are not provided,
      // lastModifiedDateTime automatically resets to the current time" (resources/filesysteminfo.md);
      // the client's creation time stays.
      item.fileSystemInfo = {
        createdAt: upload.fileSystemInfo?.createdAt ?? existing?.fileSystemInfo?.createdAt,
        modifiedAt: upload.fileSystemInfo?.modifiedAt,
      };
      item.size = upload.size;
      item.quickXorHash = upload.quickXorHash;
      item.modifiedAt = now;
      if (existing) {
        item.version += 1;
        item.contentVersion += 1;
      }
      touchAncestors(parent);
      this.changes.changed(item);
      this.#remember(item);
      return { item, created: existing === undefined };
    });
  }

  /**
   * Rename a temp file to `diskPath`. The parent folder's directory exists once its record does,
   * so it is made only when the rename finds it missing (removed behind the emulator's back):
   * one thread-pool round trip per upload inside the library's queue, not two (issue 7, figure 4).
   */
  async #moveIntoPlace(tempPath: string, diskPath: string): Promise<void> {
    try {
      await rename(tempPath, diskPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(path.dirname(diskPath), { recursive: true });
      await rename(tempPath, diskPath);
    }
  }

  /**
   * Rename and/or move an item within the library (driveitem-update.md, driveitem-move.md): the
   * new name must be one SharePoint accepts and free in the new parent (409 nameAlreadyExists;
   * the item's own name in another case is free), a folder cannot go below itself, and the disk
   * follows before the record changes. The id stays; the eTag changes.
   */
  moveItem(item: ItemRecord, parent: ItemRecord, name: string): Promise<ItemRecord> {
    return this.serialize(async () => {
      if (!this.#byId.has(item.id) || !this.#byId.has(parent.id)) throw itemNotFound();
      if (item.parent === undefined) {
        throw new GraphError(
          400,
          'invalidRequest',
          'The root of a library cannot be moved or renamed.',
        );
      }
      assertFolder(parent);
      for (let current: ItemRecord | undefined = parent; current; current = current.parent) {
        if (current === item) {
          throw new GraphError(400, 'invalidRequest', 'A folder cannot be moved into itself.');
        }
      }
      if (parent === item.parent && name === item.name) return item;
      this.#assertAllowed(parent, name, item.isFolder);
      const taken = parent.children.get(name.toLowerCase());
      if (taken && taken !== item) throw nameAlreadyExists(name);
      const oldParent = item.parent;
      const diskName = await this.#diskNames.diskNameFor(name);
      await this.#moveIntoPlace(this.diskPath(item), path.join(this.diskPath(parent), diskName));
      this.#forget(item);
      // A folder-scoped delta the item leaves reports it deleted; its own change comes after.
      this.changes.left(item, { withDescendants: false });
      oldParent.children.delete(item.name.toLowerCase());
      item.name = name;
      item.diskName = diskName;
      item.parent = parent;
      parent.children.set(name.toLowerCase(), item);
      item.version += 1;
      item.modifiedAt = Date.now();
      this.changes.changed(item);
      touchAncestors(oldParent);
      touchAncestors(parent);
      const rememberAll = (record: ItemRecord): void => {
        this.#remember(record);
        for (const child of record.children.values()) rememberAll(child);
      };
      rememberAll(item);
      return item;
    });
  }

  /** Delete an item (a folder with everything below it), on disk too. */
  deleteItem(item: ItemRecord): Promise<void> {
    return this.serialize(async () => {
      if (item.parent === undefined) {
        throw new GraphError(403, 'accessDenied', 'The root of a library cannot be deleted.');
      }
      if (!this.#byId.has(item.id)) throw itemNotFound();
      const parent = item.parent;
      await this.#remove(item);
      touchAncestors(parent);
    });
  }

  async #remove(item: ItemRecord): Promise<void> {
    await rm(this.diskPath(item), { recursive: true, force: true });
    this.changes.left(item, { withDescendants: true });
    this.#forget(item);
    const forget = (record: ItemRecord): void => {
      this.#byId.delete(record.id);
      for (const child of record.children.values()) forget(child);
    };
    forget(item);
    item.parent?.children.delete(item.name.toLowerCase());
  }

  /** Set column values (null clears); every key must be one of the library's columns. */
  updateFields(item: ItemRecord, patch: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(patch)) {
      if (!this.info.columns.includes(key)) {
        throw new GraphError(400, 'invalidRequest', `Field '${key}' is not recognized`);
      }
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
        throw new GraphError(400, 'invalidRequest', `Invalid value for field '${key}'.`);
      }
    }
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) item.fields.delete(key);
      else item.fields.set(key, value as FieldValue);
    }
    item.version += 1;
    item.modifiedAt = Date.now();
    this.changes.changed(item);
    this.#remember(item);
  }

  /** Set the client's times of an item (PATCH fileSystemInfo; resources/filesysteminfo.md). */
  setFileSystemInfo(item: ItemRecord, times: ClientFileTimes): void {
    item.fileSystemInfo = {
      createdAt: times.createdAt ?? item.fileSystemInfo?.createdAt,
      modifiedAt: times.modifiedAt ?? item.fileSystemInfo?.modifiedAt,
    };
    item.version += 1;
    this.changes.changed(item);
    this.#remember(item);
  }
}
