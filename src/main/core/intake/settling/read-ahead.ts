import fs from 'node:fs';
import type { FolderConfig } from '../../../../shared/config-schema.ts';
import type { Store } from '../../store/index.ts';
import { isKnownVersion, versionOf, type FileVersion } from '../file-version.ts';
import type { FolderFiles } from '../folder-files.ts';
import { hashSmallFileSync, type FileHashes } from '../hash-file.ts';
import { resolvePlainTargetPath } from '../target-path.ts';
import type { PreparedFile, SettlingFile } from './file-states.ts';

/**
 * The most leading bytes of request files that prepared files hold at once (a burst of large
 * request files is hashed when taken instead, as larger files always are).
 */
export const preparedHeadBytesLimit = 16 * 1024 * 1024;

/** What reading ahead came to. */
export type ReadAheadResult =
  /** The store knows this version already: nothing to wait for. */
  | { kind: 'known' }
  /** Written to while it was read (a new version to wait for), or no longer a file (undefined). */
  | { kind: 'changed'; version: FileVersion | undefined }
  /** Not read now (held by another program, gone, or over the limit): read when it is taken. */
  | { kind: 'later' }
  | { kind: 'prepared'; prepared: PreparedFile };

/** What reading ahead needs of the folder. */
export interface ReadAheadContext {
  folder: FolderConfig;
  libraryName: string;
  store: Store;
  files: FolderFiles;
  /** The leading bytes that prepared files hold now (see preparedHeadBytesLimit). */
  preparedHeadBytes: number;
}

/**
 * Halfway through its window, a small file on a local disk is read and hashed, so that when the
 * window ends only an lstat and its record are left: neither a burst nor a single file waits on
 * reading and hashing after its window (docs/performance.md, "Why the code is shaped so",
 * Intake). The hashes stand for the file as long as its size and mtime do: the lstat at the end
 * of the window compares them, and any change makes a new wait without them. A file that cannot
 * be read now (another program holds it) is read when it is taken.
 */
export function readAhead(
  context: ReadAheadContext,
  relativePath: string,
  file: SettlingFile,
): ReadAheadResult {
  const { folder, files } = context;
  const latest = context.store.findLatestVersion(folder.id, relativePath);
  if (isKnownVersion(latest, file.sizeBytes, file.mtimeMs)) return { kind: 'known' };
  const keepBytes = files.keepBytes(relativePath);
  if (keepBytes > 0 && context.preparedHeadBytes + file.sizeBytes > preparedHeadBytesLimit) {
    return { kind: 'later' };
  }
  const absolutePath = files.absolute(relativePath);
  let hashes: FileHashes;
  let after: fs.Stats;
  try {
    hashes = hashSmallFileSync(absolutePath, keepBytes, file.sizeBytes);
    after = fs.lstatSync(absolutePath);
  } catch {
    // Held by another program, or gone: taking it at the end of the window finds out.
    return { kind: 'later' };
  }
  const current = versionOf(after);
  if (current.sizeBytes !== file.sizeBytes || current.mtimeMs !== file.mtimeMs) {
    return { kind: 'changed', version: after.isFile() ? current : undefined };
  }
  if (hashes.sizeBytes !== file.sizeBytes) return { kind: 'later' };
  const target = resolvePlainTargetPath(folder, context.libraryName, relativePath);
  return { kind: 'prepared', prepared: { hashes, target } };
}
