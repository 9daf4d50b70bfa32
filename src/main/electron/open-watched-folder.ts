/**
 * "Open the folder" from an empty list: the window names a watched folder by its id and the
 * shell opens that folder's configured path, so a window can never make the shell open a path
 * of its choosing.
 */
import fs from 'node:fs';
import { shell } from 'electron';

/**
 * Opens the watched folder with this id in the system file manager. False when no watched folder
 * has that id or its folder is not there.
 */
export async function openWatchedFolder(
  folders: readonly { id: string; path: string }[],
  folderId: string,
): Promise<boolean> {
  const folder = folders.find((candidate) => candidate.id === folderId);
  if (folder === undefined || !fs.existsSync(folder.path)) return false;
  // shell.openPath resolves with an error message, or '' when the folder was opened.
  return (await shell.openPath(folder.path)) === '';
}
