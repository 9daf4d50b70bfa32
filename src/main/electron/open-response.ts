/**
 * "Open the response": the window names a response and the path the agent reported for it, and
 * the shell opens that file only when the agent's own record of the response holds that path. A
 * window can therefore never make the shell open a path of its choosing.
 */
import fs from 'node:fs';
import { shell } from 'electron';
import type { ResponsePath } from '../../shared/desktop-api.ts';
import type { ResponseState } from '../../shared/response-state.ts';

/** What the shell reads of the agent's responses inbox to check a path. */
export interface ResponseRecords {
  get(responseId: number): { state: ResponseState; localPath: string | null } | undefined;
}

/**
 * Opens the response's local file with the system's program for it. False when the path is not
 * the one the agent recorded for that response (ready, or kept after a deletion in SharePoint),
 * or the file is not there any more.
 */
export async function openResponse(
  records: ResponseRecords,
  request: ResponsePath,
): Promise<boolean> {
  const response = records.get(request.responseId);
  if (response === undefined || response.localPath === null) return false;
  if (response.state !== 'ready' && response.state !== 'skipped') return false;
  if (response.localPath !== request.path || !fs.existsSync(request.path)) return false;
  // shell.openPath resolves with an error message, or '' when the file was opened.
  return (await shell.openPath(request.path)) === '';
}
