import fs from 'node:fs';
import path from 'node:path';

/**
 * Moves a file into a folder under a name that is free there: its own name, else `name (2).ext`,
 * `name (3).ext`, … Creates the folder. Returns the path it was moved to.
 *
 * Used for quarantine and the archive, which live inside the watched folder (the same volume, so
 * the move is a rename). Only this agent writes into those folders, so checking for a free name
 * and then renaming does not race with another writer.
 */
export async function moveToFreeName(
  sourcePath: string,
  targetDirectory: string,
  name: string,
): Promise<string> {
  await fs.promises.mkdir(targetDirectory, { recursive: true });
  const target = await findFreeName(targetDirectory, name);
  await fs.promises.rename(sourcePath, target);
  return target;
}

/** The first of `name`, `name (2).ext`, `name (3).ext`… that does not exist in the folder. */
export async function findFreeName(directory: string, name: string): Promise<string> {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : '';
  for (let number = 1; ; number++) {
    const candidate = path.join(directory, number === 1 ? name : `${stem} (${number})${extension}`);
    if (!(await exists(candidate))) return candidate;
  }
}

async function exists(filePath: string): Promise<boolean> {
  try {
    await fs.promises.lstat(filePath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
