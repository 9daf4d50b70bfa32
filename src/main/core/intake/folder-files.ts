import fs from 'node:fs';
import path from 'node:path';
import type { FolderConfig } from '../../../shared/config-schema.ts';
import { requestFileMaxBytes } from '../../../shared/request-schema.ts';
import type { Logger } from '../logging/index.ts';
import type { PathRules } from './path-rules.ts';

/** An lstat's answer: the stats, `'missing'` when the file is not there, undefined on a problem. */
export type LstatResult = fs.Stats | 'missing' | undefined;

/** A problem with one file or folder under the watched folder (reported once). */
export interface FileProblem {
  relativePath: string;
  code: string;
  message: string;
}

/** Error codes that mean the file (or a folder above it) is not there. */
export const missingCodes: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR']);

/**
 * One watched folder's files as intake reaches them: absolute paths, lstat (synchronous on a
 * local disk, through the thread pool where file system calls may take long), how much of a file
 * to keep while hashing it, and problems with a file, each logged once.
 */
export class FolderFiles {
  readonly #folder: FolderConfig;
  readonly #rules: PathRules;
  readonly #logger: Logger;
  /** The folder's path with a separator at its end. */
  readonly #rootPrefix: string;
  readonly #reportedProblems = new Set<string>();

  constructor(folder: FolderConfig, rules: PathRules, logger: Logger) {
    this.#folder = folder;
    this.#rules = rules;
    this.#logger = logger;
    this.#rootPrefix = path.join(folder.path, path.sep);
  }

  /**
   * Whether file system calls may take long: folders in polling mode are network shares and the
   * like, where they go to the thread pool. On local disks, stat and small reads are synchronous.
   */
  get isStatSlow(): boolean {
    return this.#folder.polling.enabled;
  }

  /**
   * A file's absolute path: the folder's path and the relative one joined without path.join's
   * normalizing (a relative path is clean already; several looks per file in a burst).
   */
  absolute(relativePath: string): string {
    return (
      this.#rootPrefix + (path.sep === '/' ? relativePath : relativePath.replaceAll('/', path.sep))
    );
  }

  /** The '/'-separated path under the folder, or undefined for the folder itself and outside. */
  toRelative(absolutePath: string): string | undefined {
    const relative = path.relative(this.#folder.path, absolutePath);
    const isOutside = relative === '..' || relative.startsWith(`..${path.sep}`);
    if (relative === '' || isOutside || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join('/');
  }

  /** How many leading bytes of a file to keep while hashing it: a request file's, for its parse. */
  keepBytes(relativePath: string): number {
    return this.#rules.isRequestFile(relativePath) ? requestFileMaxBytes : 0;
  }

  /**
   * lstat, with a vanished file as 'missing' and other errors (EPERM, ENAMETOOLONG) reported;
   * through the thread pool where file system calls may take long (isStatSlow).
   */
  async lstat(relativePath: string): Promise<LstatResult> {
    if (!this.isStatSlow) return this.lstatNow(relativePath);
    try {
      return await fs.promises.lstat(this.absolute(relativePath));
    } catch (error) {
      return this.#onLstatFailed(relativePath, error);
    }
  }

  /** lstat, synchronously (on a local disk cheaper than a thread-pool round trip). */
  lstatNow(relativePath: string): LstatResult {
    try {
      return fs.lstatSync(this.absolute(relativePath));
    } catch (error) {
      return this.#onLstatFailed(relativePath, error);
    }
  }

  /**
   * Runs `then` with the path's lstat: at once on a local disk, after the thread pool's answer
   * where file system calls may take long (isStatSlow). Its promise, if any, is the caller's.
   */
  withStats(
    relativePath: string,
    then: (stats: LstatResult) => Promise<void> | undefined,
  ): Promise<void> | undefined {
    if (this.isStatSlow) return this.lstat(relativePath).then(then);
    return then(this.lstatNow(relativePath));
  }

  /** The names in one folder now (empty when it cannot be listed: its items may be gone). */
  async listNames(directory: string): Promise<Set<string>> {
    try {
      return new Set(await fs.promises.readdir(path.join(this.#folder.path, directory)));
    } catch {
      return new Set();
    }
  }

  /** Logs a problem with a file or folder, once per problem and path. */
  reportProblem(problem: FileProblem): void {
    const key = `${problem.code}:${problem.relativePath}`;
    if (this.#reportedProblems.has(key)) return;
    this.#reportedProblems.add(key);
    this.#logger.warn(problem, 'A file or folder in the watched folder cannot be taken');
  }

  #onLstatFailed(relativePath: string, error: unknown): 'missing' | undefined {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    if (missingCodes.has(code)) return 'missing';
    this.reportProblem({ relativePath, code, message: (error as Error).message });
    return undefined;
  }
}
