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

/**
 * Walks a watched folder and yields its regular files with size and mtime, for the catch-up and
 * reconciliation scans.
 *
 * Ignored names and folders are not entered; symbolic links and junctions are never followed or
 * taken (a link may point outside the watched folder). Names are read as bytes, so a name that is
 * not valid UTF-8 is reported as a problem instead of being mangled; unreadable folders and
 * files that vanish mid-scan are reported or skipped, never thrown.
 */
export async function* scanFolder(root: string, options: ScanOptions): AsyncGenerator<ScannedFile> {
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
      if (!entry.isFile() || options.rules.isIgnored(relativePath, true)) continue;
      const stats = await lstatOrUndefined(path.join(root, relativePath), options, relativePath);
      if (stats?.isFile()) {
        yield { relativePath, sizeBytes: stats.size, mtimeMs: Math.floor(stats.mtimeMs) };
      }
    }
  }
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
