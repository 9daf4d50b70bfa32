// The records of a document library as the emulator keeps them (sites, drives, items) and the
// small helpers and errors every part of the library shares.

import { createReadStream } from 'node:fs';
import { QuickXorHash } from '../../src/shared/quick-xor-hash.ts';
import { GraphError } from './http-util.ts';

/** How to resolve a name that is already taken (Graph's @microsoft.graph.conflictBehavior). */
export type ConflictBehavior = 'fail' | 'replace' | 'rename';

/**
 * File system times a client sent for a file (driveItemUploadableProperties.fileSystemInfo), as
 * epoch milliseconds; what it did not send is the server's time.
 */
export interface ClientFileTimes {
  readonly createdAt?: number;
  readonly modifiedAt?: number;
}

/** A list item column value (the emulator's columns are all single-line text). */
export type FieldValue = string | number | boolean;

/** A site as the emulator serves it. */
export interface SiteInfo {
  readonly id: string;
  readonly hostname: string;
  readonly path: string;
  readonly name: string;
  readonly displayName: string;
  readonly webUrl: string;
  readonly createdAt: number;
}

/** A drive (document library) as the emulator serves it. */
export interface DriveInfo {
  readonly id: string;
  readonly name: string;
  readonly listId: string;
  readonly webUrl: string;
  readonly site: SiteInfo;
  /** Writable text columns of the library's list. */
  readonly columns: readonly string[];
  /** Folder on disk that holds the library's files. */
  readonly directory: string;
  readonly createdAt: number;
}

/** A file or folder of a library. */
export interface ItemRecord {
  id: string;
  name: string;
  /** The name on disk: `name`, or its escaped form when the disk cannot hold it (disk-names.ts). */
  diskName: string;
  parent: ItemRecord | undefined;
  readonly isFolder: boolean;
  /** Lower-cased child name → child, for folders (SharePoint names are case-insensitive). */
  readonly children: Map<string, ItemRecord>;
  readonly guid: string;
  readonly listItemId: number;
  createdAt: number;
  modifiedAt: number;
  /** Bumped on every change (eTag). */
  version: number;
  /** Bumped on content changes only (cTag). */
  contentVersion: number;
  /** Position of its last change in the drive's change journal (delta/change-log.ts). */
  changeSequence: number;
  /** The client's times (fileSystemInfo); a time it did not send is the server's. */
  fileSystemInfo: ClientFileTimes | undefined;
  /** Bytes, for files. */
  size: number;
  quickXorHash: string;
  readonly fields: Map<string, FieldValue>;
}

/** The quickXorHash of a file on disk, streamed. */
export async function hashFile(filePath: string): Promise<string> {
  const hash = new QuickXorHash();
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest();
}

/** Join a '/'-separated relative path and a name ('' is the root). */
export function joinRelative(parentPath: string, name: string): string {
  return parentPath === '' ? name : `${parentPath}/${name}`;
}

/** 400 unless `item` is a folder. */
export function assertFolder(item: ItemRecord): void {
  if (!item.isFolder) {
    throw new GraphError(400, 'invalidRequest', `"${item.name}" is a file, not a folder.`);
  }
}

/** Graph's 404 for a missing item. */
export function itemNotFound(): GraphError {
  return new GraphError(404, 'itemNotFound', 'The resource could not be found.');
}

/** Graph's 409 for a taken name (concepts/errors.md). */
export function nameAlreadyExists(name: string): GraphError {
  return new GraphError(
    409,
    'nameAlreadyExists',
    `The specified item name already exists. Name: ${name}`,
  );
}

/** "name 1.ext", "name 2.ext", … : the first variant free in `parent`, as SharePoint renames. */
export function freeName(parent: ItemRecord, name: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : '';
  for (let counter = 1; ; counter++) {
    const candidate = `${stem} ${counter}${extension}`;
    if (!parent.children.has(candidate.toLowerCase())) return candidate;
  }
}

/** Mark a folder and every folder above it modified now (a change below them). */
export function touchAncestors(folder: ItemRecord): void {
  const now = Date.now();
  for (let current: ItemRecord | undefined = folder; current; current = current.parent) {
    current.modifiedAt = now;
  }
}
