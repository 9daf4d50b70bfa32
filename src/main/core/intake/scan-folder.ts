import fs from 'node:fs';
import path from 'node:path';
import type { PathRules } from './path-rules.ts';

/** A regular file found by a scan. */
export interface ScannedFile {
  /** '/'-separated, relative to the watched folder. */
  relativePath: string;
  sizeBytes: number;
  mtimeMs: number;
}

/** What a scan could not look into, reported and skipped (never fatal). */
export interface ScanProblem {
  /** The path, relative to the watched folder (names that are not UTF-8 shown with U+FFFD). */
  relativePath: string;
  code: string;
  message: string;
}

/** Options of one scan. */
export interface ScanOptions {
  rules: PathRules;
  isRecursive: boolean;
  onProblem: (problem: ScanProblem) => void;
  /** Checked between folders: a closing intake stops the walk. */
  signal?: AbortSignal;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One folder's regular files, as a scan lists them. */
export interface ScannedDirectory {
  /** '/'-separated, relative to the watched folder; '' for the folder itself. */
  relativePath: string;
  files: ScannedFile[];
}

/** How many lstat calls a scan has in flight at once (the thread pool runs four by default). */
const concurrentLstats = 16;

/**
 * Walks a watched folder and yields each folder's regular files with size and mtime, one folder
 * at a time, for the catch-up and reconciliation scans: the caller compares a folder's listing
 * with the store and lets it go, so a scan never holds every path of the tree (issue 7).
 *
 * Ignored names and folders are not entered; symbolic links and junctions are never followed or
 * taken (a link may point outside the watched folder). Names are read as bytes, so a name that is
 * not valid UTF-8 is reported as a problem instead of being mangled; unreadable folders and
 * files that vanish mid-scan are reported or skipped, never thrown. A folder that cannot be
 * listed is not yielded.
 */
export async function* scanFolder(
  root: string,
  options: ScanOptions,
): AsyncGenerator<ScannedDirectory> {
  const pending: string[] = [''];
  while (pending.length > 0) {
    if (options.signal?.aborted) return;
    const directory = pending.pop() as string;
    let entries: fs.Dirent<Buffer>[];
    try {
      entries = await fs.promises.readdir(path.join(root, directory), {
        withFileTypes: true,
        encoding: 'buffer',
      });
    } catch (error) {
      // The root itself is checked by the availability probe; a subfolder may vanish mid-scan.
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      if (directory !== '' && code !== 'ENOENT') {
        options.onProblem({ relativePath: directory, code, message: (error as Error).message });
      }
      continue;
    }
    const filePaths: string[] = [];
    for (const entry of entries) {
      let name: string;
      try {
        name = utf8.decode(entry.name);
      } catch {
        const shown = `${directory ? `${directory}/` : ''}${entry.name.toString('utf8')}`;
        options.onProblem({
          relativePath: shown,
          code: 'intake.name-not-utf8',
          message:
            'The name is not valid UTF-8 text, so it cannot be given to SharePoint; rename the file',
        });
        continue;
      }
      const relativePath = directory ? `${directory}/${name}` : name;
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (options.isRecursive && !options.rules.isIgnored(relativePath, false)) {
          pending.push(relativePath);
        }
        continue;
      }
      if (entry.isFile() && !options.rules.isIgnored(relativePath, true)) {
        filePaths.push(relativePath);
      }
    }
    yield { relativePath: directory, files: await statFiles(root, filePaths, options) };
  }
}

/** lstat of each path, `concurrentLstats` at a time; vanished and non-regular files left out. */
async function statFiles(
  root: string,
  relativePaths: string[],
  options: ScanOptions,
): Promise<ScannedFile[]> {
  const files: ScannedFile[] = [];
  let next = 0;
  const statNext = async (): Promise<void> => {
    while (next < relativePaths.length) {
      const relativePath = relativePaths[next] as string;
      next += 1;
      const stats = await lstatOrUndefined(path.join(root, relativePath), options, relativePath);
      if (stats?.isFile()) {
        files.push({ relativePath, sizeBytes: stats.size, mtimeMs: Math.floor(stats.mtimeMs) });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrentLstats }, statNext));
  return files;
}

async function lstatOrUndefined(
  absolutePath: string,
  options: ScanOptions,
  relativePath: string,
): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.lstat(absolutePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    if (code !== 'ENOENT') {
      options.onProblem({ relativePath, code, message: (error as Error).message });
    }
    return undefined;
  }
}
