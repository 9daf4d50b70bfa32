import fs from 'node:fs';
import path from 'node:path';
import type { PathRules } from '../path-rules.ts';

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
  /**
   * lstat in the thread pool, one promise per file (network shares, where one can take long).
   * Otherwise a part's files are stat'ed synchronously: on a local disk a synchronous lstat costs
   * less than a thread-pool round trip, and makes no promise, request or Stats garbage per file
   * (docs/performance.md, "Why the code is shaped so", Intake).
   */
  isStatSlow: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A part of a scan: some files of one folder (`files`), or the end of that folder's listing
 * (`isListed`, after all its files). A folder's parts come together, before the next folder's.
 */
export type ScanPart =
  | { directory: string; files: ScannedFile[]; isListed?: never }
  | { directory: string; isListed: true; files?: never };

/** How many files a scan lists, stats and hands on at a time (and lstat calls in flight). */
const filesPerPart = 64;
const concurrentLstats = 16;

/**
 * Walks a watched folder and yields its regular files with size and mtime, a few at a time and
 * one folder after another, for the catch-up and reconciliation scans. Nothing is held per file
 * beyond one part: a folder is read as a stream of entries, so a scan of 100,000 files keeps
 * next to nothing alive and the heap does not grow with the tree (startup on a large backlog
 * must not cost memory per file; docs/performance.md, "Why the code is shaped so"). After a
 * folder's last part, a part with `isListed` says its listing is complete; a folder that cannot
 * be listed gets none.
 *
 * Ignored names and folders are not entered; symbolic links and junctions are never followed or
 * taken (a link may point outside the watched folder). Names are read as bytes, so a name that is
 * not valid UTF-8 is reported as a problem instead of being mangled; unreadable folders and
 * files that vanish mid-scan are reported or skipped, never thrown.
 */
export async function* scanFolder(root: string, options: ScanOptions): AsyncGenerator<ScanPart> {
  const pending: string[] = [''];
  while (pending.length > 0) {
    if (options.signal?.aborted) return;
    const directory = pending.pop() as string;
    let isListed = true;
    let filePaths: string[] = [];
    try {
      const entries = await fs.promises.opendir(path.join(root, directory), {
        // Node reads names as bytes here as readdir does; @types/node lists text encodings only.
        encoding: 'buffer' as BufferEncoding,
        bufferSize: filesPerPart,
      });
      for await (const entry of entries as AsyncIterable<fs.Dirent<Buffer>>) {
        const relativePath = decodeName(directory, entry.name, options);
        if (relativePath === undefined || entry.isSymbolicLink()) continue;
        if (entry.isDirectory()) {
          if (options.isRecursive && !options.rules.isIgnored(relativePath, false)) {
            pending.push(relativePath);
          }
        } else if (entry.isFile() && !options.rules.isIgnored(relativePath, true)) {
          filePaths.push(relativePath);
          if (filePaths.length === filesPerPart) {
            yield { directory, files: await statFiles(root, filePaths, options) };
            filePaths = [];
          }
        }
      }
    } catch (error) {
      // The root itself is checked by the availability probe; a subfolder may vanish mid-scan.
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      if (directory !== '' && code !== 'ENOENT') {
        options.onProblem({ relativePath: directory, code, message: (error as Error).message });
      }
      isListed = false;
    }
    if (filePaths.length > 0) yield { directory, files: await statFiles(root, filePaths, options) };
    if (isListed) yield { directory, isListed: true };
  }
}

/** The '/'-separated relative path of a listed name, or undefined (reported) if not UTF-8. */
function decodeName(directory: string, name: Buffer, options: ScanOptions): string | undefined {
  let decoded: string;
  try {
    decoded = utf8.decode(name);
  } catch {
    const shown = `${directory ? `${directory}/` : ''}${name.toString('utf8')}`;
    options.onProblem({
      relativePath: shown,
      code: 'intake.name-not-utf8',
      message:
        'The name is not valid UTF-8 text, so it cannot be given to SharePoint; rename the file',
    });
    return undefined;
  }
  return directory ? `${directory}/${decoded}` : decoded;
}

/**
 * lstat of each path (`concurrentLstats` at a time in the thread pool when stat is slow, else
 * synchronously); vanished and non-regular files left out.
 */
async function statFiles(
  root: string,
  relativePaths: string[],
  options: ScanOptions,
): Promise<ScannedFile[]> {
  const files: ScannedFile[] = [];
  const add = (relativePath: string, stats: fs.Stats | undefined) => {
    if (stats?.isFile()) {
      files.push({ relativePath, sizeBytes: stats.size, mtimeMs: Math.floor(stats.mtimeMs) });
    }
  };
  if (!options.isStatSlow) {
    for (const relativePath of relativePaths) {
      add(relativePath, lstatSyncOrUndefined(path.join(root, relativePath), options, relativePath));
    }
    return files;
  }
  let next = 0;
  const statNext = async (): Promise<void> => {
    while (next < relativePaths.length) {
      const relativePath = relativePaths[next] as string;
      next += 1;
      add(
        relativePath,
        await lstatOrUndefined(path.join(root, relativePath), options, relativePath),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrentLstats }, statNext));
  return files;
}

function lstatSyncOrUndefined(
  absolutePath: string,
  options: ScanOptions,
  relativePath: string,
): fs.Stats | undefined {
  try {
    return fs.lstatSync(absolutePath, { throwIfNoEntry: false });
  } catch (error) {
    reportStatProblem(error, options, relativePath);
    return undefined;
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
    reportStatProblem(error, options, relativePath);
    return undefined;
  }
}

function reportStatProblem(error: unknown, options: ScanOptions, relativePath: string): void {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
  if (code !== 'ENOENT') {
    options.onProblem({ relativePath, code, message: (error as Error).message });
  }
}
