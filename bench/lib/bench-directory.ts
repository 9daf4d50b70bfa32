import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** tmpfs's statfs magic: a file system that ignores fsync, so never a place to bench. */
const tmpfsMagic = 0x01021994;

/** The repository's root (bench/.. ). */
export const repositoryRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
);

/**
 * Creates the run's work directory under bench/tmp/ (gitignored) and checks that it is on a real
 * disk: tmpfs ignores fsync, and every durability cost the figures measure would vanish.
 *
 * @throws Error with code 'bench.tmpfs' when bench/tmp/ is on tmpfs, naming the fix.
 */
export function createBenchDirectory(root = path.join(repositoryRoot, 'bench', 'tmp')): string {
  fs.mkdirSync(root, { recursive: true });
  const stats = fs.statfsSync(root);
  if (stats.type === tmpfsMagic) {
    throw Object.assign(
      new Error(
        `${root} is on tmpfs, which ignores fsync: run the bench from a checkout on a real disk.`,
      ),
      { code: 'bench.tmpfs' },
    );
  }
  return fs.mkdtempSync(path.join(root, 'run-'));
}

/** A fresh subdirectory of the run's directory. */
export function makeSubdirectory(parent: string, name: string): string {
  const directory = fs.mkdtempSync(path.join(parent, `${name}-`));
  return directory;
}

/** Describes the file system a directory is on (for the report): its type and device. */
export function describeFileSystem(directory: string): string {
  const stats = fs.statfsSync(directory);
  const names: Record<number, string> = {
    0xef53: 'ext4',
    0x58465342: 'xfs',
    0x9123683e: 'btrfs',
    0x01021994: 'tmpfs',
    0x794c7630: 'overlayfs',
    0x2fc12fc1: 'zfs',
  };
  return names[stats.type] ?? `type 0x${stats.type.toString(16)}`;
}
