import fs from 'node:fs';
import path from 'node:path';
import type { FolderConfig } from '../../../shared/config-schema.ts';
import {
  findPathLengthProblem,
  toSharePointName,
  toSharePointPath,
  withCollisionMark,
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
  const base = folder.target.folderPath.replace(/\/+$/, '');
  const mapped = toSharePointPath(relativePath, base === '');
  let safeRelativePath = mapped.safeRelativePath;
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const safeName = safeRelativePath.slice(safeRelativePath.lastIndexOf('/') + 1);
  if (safeName !== name && (await hasSiblingNamed(folder.path, relativePath, safeName))) {
    safeRelativePath = `${safeRelativePath.slice(0, -safeName.length)}${withCollisionMark(safeName, name)}`;
  }
  const targetPath = base === '' ? safeRelativePath : `${base}/${safeRelativePath}`;
  return {
    targetPath,
    nameProblems: mapped.problems,
    pathProblem: findPathLengthProblem(`${libraryName}/${targetPath}`),
  };
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
