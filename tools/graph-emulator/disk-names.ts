// Names SharePoint accepts that the emulator's disk cannot hold. A name is stored under itself
// unless its UTF-8 is longer than 255 bytes (the limit of ext4, APFS and NTFS alike) or it holds a
// NUL; such a name is stored as its first bytes, "~" and 16 hex digits of its SHA-256, and its
// extension, and the real name is kept in a small map beside the libraries
// (`<rootDir>/.graph-emulator-state/<library>.names.json`), read at start. See
// docs/graph-emulator.md, "Disk layout and restarts".

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Longest file name, in UTF-8 bytes, that the common file systems hold. */
export const MAX_DISK_NAME_BYTES = 255;
/** Extensions longer than this are not kept on an escaped name. */
const MAX_KEPT_EXTENSION_BYTES = 32;

/** Whether the disk can hold `name` as it is. */
export function fitsOnDisk(name: string): boolean {
  return Buffer.byteLength(name, 'utf8') <= MAX_DISK_NAME_BYTES && !name.includes('\0');
}

/** The first characters of `text` whose UTF-8 fits in `maxBytes` (never splits a character). */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += character.length;
  }
  return text.slice(0, end);
}

/** The name `name` is stored under on disk: itself, or its escaped form. */
export function diskNameFor(name: string): string {
  if (fitsOnDisk(name)) return name;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 16);
  const dot = name.lastIndexOf('.');
  const rawExtension = dot > 0 ? name.slice(dot) : '';
  const extension =
    Buffer.byteLength(rawExtension, 'utf8') <= MAX_KEPT_EXTENSION_BYTES &&
    !rawExtension.includes('\0')
      ? rawExtension
      : '';
  const suffix = `~${digest}${extension}`;
  const stemBytes = MAX_DISK_NAME_BYTES - Buffer.byteLength(suffix, 'utf8');
  const stem = truncateUtf8(
    name.slice(0, name.length - extension.length).replaceAll('\0', '_'),
    stemBytes,
  );
  return `${stem}${suffix}`;
}

/** One library's escaped names: disk name → real name, persisted when it grows. */
export class DiskNameMap {
  readonly #file: string;
  readonly #realNames: Map<string, string>;

  private constructor(file: string, realNames: Map<string, string>) {
    this.#file = file;
    this.#realNames = realNames;
  }

  /** Read the map of a library (empty when there is none yet). */
  static async open(stateDirectory: string, libraryName: string): Promise<DiskNameMap> {
    const file = path.join(stateDirectory, `${libraryName}.names.json`);
    let entries: Record<string, string> = {};
    try {
      entries = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new DiskNameMap(file, new Map(Object.entries(entries)));
  }

  /** The real name of a directory entry found on disk. */
  realNameOf(diskName: string): string {
    return this.#realNames.get(diskName) ?? diskName;
  }

  /** The disk name for `name`, recording it (and writing the map) when it is escaped. */
  async diskNameFor(name: string): Promise<string> {
    const diskName = diskNameFor(name);
    if (diskName === name || this.#realNames.get(diskName) === name) return diskName;
    this.#realNames.set(diskName, name);
    await mkdir(path.dirname(this.#file), { recursive: true });
    const temporary = `${this.#file}.tmp`;
    await writeFile(temporary, JSON.stringify(Object.fromEntries(this.#realNames), null, 1));
    await rename(temporary, this.#file);
    return diskName;
  }
}
