import picomatch from 'picomatch';
import type { FolderConfig } from '../../../shared/config-schema.ts';

/**
 * Names intake never takes, in every folder: Office lock and temp files, browser and transfer
 * partials, hidden files and the files operating systems leave behind (docs/intake.md,
 * "Ignored out of the box").
 *
 * Matched against each name in a path (a hidden folder hides everything in it).
 */
export const builtInIgnorePatterns: readonly string[] = [
  '~$*',
  '*.tmp',
  '~*.tmp',
  '*.crdownload',
  '*.part',
  '*.partial',
  '*.download',
  '.*',
  'desktop.ini',
  'Thumbs.db',
  '.DS_Store',
];

/** Which paths of one watched folder intake takes, ignores, and reads as requests. */
export interface PathRules {
  /**
   * Whether intake ignores this path (and, for a folder, everything in it).
   *
   * @param relativePath '/'-separated, relative to the watched folder; never empty.
   * @param isFile true for a file, false for a folder, undefined when not yet known (the
   *   include globs apply to files only, so an unknown kind is not ignored by them).
   */
  isIgnored(relativePath: string, isFile: boolean | undefined): boolean;
  /** Whether a file is a JSON request file (the folder has requests enabled and it matches). */
  isRequestFile(relativePath: string): boolean;
}

/**
 * Builds the path rules of a folder from the built-in ignore list, the folder's include and
 * exclude globs, its request patterns, and its quarantine and archive folders.
 *
 * Globs are picomatch globs, matched case-insensitively (Windows and macOS folders are). A glob
 * with a '/' is matched against the whole relative path; one without, against a name, so `*.pdf`
 * takes PDFs in every subfolder. A path is ignored when it or a folder above it is excluded.
 */
export function createPathRules(folder: FolderConfig): PathRules {
  const isBuiltInIgnored = compileGlobs(builtInIgnorePatterns);
  const isExcluded = compileGlobs(folder.exclude);
  const isIncluded = folder.include.length > 0 ? compileGlobs(folder.include) : () => true;
  const isRequestPattern = compileGlobs(folder.requests.patterns);
  const ownFolders = [folder.quarantineFolder, folder.afterUpload.archiveFolder].map((name) =>
    name.replaceAll('\\', '/').replace(/\/+$/, '').toLowerCase(),
  );
  return {
    isIgnored(relativePath, isFile) {
      const lower = relativePath.toLowerCase();
      if (ownFolders.some((own) => lower === own || lower.startsWith(`${own}/`))) return true;
      // A path is ignored when it, or a folder above it, is.
      const names = relativePath.split('/');
      for (let length = 1; length <= names.length; length++) {
        const prefix = names.slice(0, length).join('/');
        if (isBuiltInIgnored(prefix) || isExcluded(prefix)) return true;
      }
      return isFile === true && !isIncluded(relativePath);
    },
    isRequestFile(relativePath) {
      return folder.requests.enabled && isRequestPattern(relativePath);
    },
  };
}

/**
 * One matcher for a glob list: a glob with a '/' is matched against the whole relative path, one
 * without against the last name only (picomatch's own `basename` option applies to every glob).
 * Each side is one RegExp of picomatch's expressions: picomatch's matcher for a list tests them
 * one by one, and intake matches every event of a burst against both lists, so one expression
 * per list keeps that cost flat (docs/performance.md, "Why the code is shaped so", Intake).
 */
function compileGlobs(patterns: readonly string[]): (relativePath: string) => boolean {
  const pathGlobs = toRegExp(patterns.filter((pattern) => pattern.includes('/')));
  const nameGlobs = toRegExp(patterns.filter((pattern) => !pattern.includes('/')));
  return (relativePath) =>
    (pathGlobs?.test(relativePath) ?? false) ||
    (nameGlobs?.test(relativePath.slice(relativePath.lastIndexOf('/') + 1)) ?? false);
}

function toRegExp(globs: readonly string[]): RegExp | undefined {
  if (globs.length === 0) return undefined;
  const options = { dot: true, nocase: true } as const;
  const alternatives = globs.map((glob) => `(?:${picomatch.makeRe(glob, options).source})`);
  return new RegExp(alternatives.join('|'), 'i');
}
