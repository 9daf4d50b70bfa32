import fs from 'node:fs';
import path from 'node:path';
import type { FolderConfig } from '../../../shared/config-schema.ts';
import {
  findPathLengthProblem,
  toSharePointName,
  toSharePointPath,
  withCollisionMark,
  type SharePointPath,
} from '../../../shared/sharepoint-names.ts';

/** Where a file goes in SharePoint, and what about its name SharePoint would refuse. */
export interface TargetPath {
  /**
   * The library-relative path: `target.folderPath` joined with the relative path, every name
   * mapped to one SharePoint accepts (docs/intake.md, "Names SharePoint refuses").
   */
  targetPath: string;
  /** Refused names in the relative path, with reasons (empty when the name is fine). */
  nameProblems: { name: string; reasons: string[] }[];
  /** Why the whole path is too long for SharePoint, or undefined. */
  pathProblem: string | undefined;
}

/**
 * Maps a file of a watched folder to its path in the target library.
 *
 * A renamed file name that would collide with a sibling in the same local folder (`a?b.txt` next
 * to `a_b.txt`) gets a stable mark (`a_b~1a2b3c4d.txt`), so two local files never share a target.
 *
 * @param libraryName the library the folder delivers to (for the 400-character path limit).
 */
export async function resolveTargetPath(
  folder: FolderConfig,
  libraryName: string,
  relativePath: string,
): Promise<TargetPath> {
  const mapped = mapTargetPath(folder, relativePath);
  if (mapped.safeName === mapped.name) return finishTargetPath(folder, libraryName, mapped);
  const hasSibling = await hasSiblingNamed(folder.path, relativePath, mapped.safeName);
  return finishTargetPath(folder, libraryName, mapped, hasSibling);
}

/**
 * resolveTargetPath without waiting, for a file whose name SharePoint takes as it is (the usual
 * case: no sibling can collide with it); undefined when the name has to be mapped, which needs a
 * look at the folder.
 */
export function resolvePlainTargetPath(
  folder: FolderConfig,
  libraryName: string,
  relativePath: string,
): TargetPath | undefined {
  const mapped = mapTargetPath(folder, relativePath);
  return mapped.safeName === mapped.name
    ? finishTargetPath(folder, libraryName, mapped)
    : undefined;
}

interface MappedPath {
  mapped: SharePointPath;
  /** The file's own name, and the name SharePoint accepts for it. */
  name: string;
  safeName: string;
}

function mapTargetPath(folder: FolderConfig, relativePath: string): MappedPath {
  const mapped = toSharePointPath(relativePath, targetBase(folder) === '');
  const safeRelativePath = mapped.safeRelativePath;
  return {
    mapped,
    name: relativePath.slice(relativePath.lastIndexOf('/') + 1),
    safeName: safeRelativePath.slice(safeRelativePath.lastIndexOf('/') + 1),
  };
}

function finishTargetPath(
  folder: FolderConfig,
  libraryName: string,
  { mapped, name, safeName }: MappedPath,
  hasSibling = false,
): TargetPath {
  let safeRelativePath = mapped.safeRelativePath;
  if (hasSibling) {
    safeRelativePath = `${safeRelativePath.slice(0, -safeName.length)}${withCollisionMark(safeName, name)}`;
  }
  const base = targetBase(folder);
  const targetPath = base === '' ? safeRelativePath : `${base}/${safeRelativePath}`;
  return {
    targetPath,
    nameProblems: mapped.problems,
    pathProblem: findPathLengthProblem(`${libraryName}/${targetPath}`),
  };
}

/** The folder's `target.folderPath` without trailing slashes ('' for the library's root). */
export function targetBase(folder: FolderConfig): string {
  return folder.target.folderPath.replace(/\/+$/, '');
}

/** Whether another file in the same local folder maps to the same SharePoint name. */
async function hasSiblingNamed(
  root: string,
  relativePath: string,
  safeName: string,
): Promise<boolean> {
  const directory = path.dirname(path.join(root, relativePath));
  const ownName = path.basename(relativePath);
  let siblings: string[];
  try {
    siblings = await fs.promises.readdir(directory);
  } catch {
    // The folder cannot be listed (it vanished, or access is denied): then no sibling can be
    // told apart either, and the folder's conflict rule settles a clash in SharePoint.
    return false;
  }
  const wanted = safeName.toLowerCase();
  return siblings.some(
    (sibling) => sibling !== ownName && toSharePointName(sibling).toLowerCase() === wanted,
  );
}
