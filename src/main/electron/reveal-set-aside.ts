/**
 * "Show in folder" for a set-aside file or its note: the window names the item and the path the
 * agent reported for it, and the shell shows that path only when the agent's own record of the
 * item says so. A window can therefore never make the shell open a path of its choosing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { shell } from 'electron';
import type { SetAsidePath } from '../../shared/desktop-api.ts';
import type { LoggedEvent } from '../../shared/events.ts';
import type { ItemState } from '../../shared/item-state.ts';
import { setAsideViewOf } from '../../shared/set-aside.ts';

/** What the shell reads of the agent's store to check a set-aside path. */
export interface SetAsideRecords {
  getItem(itemId: number): { state: ItemState } | undefined;
  /** The item's newest `limit` events, oldest first. */
  listItemEvents(itemId: number, limit: number): LoggedEvent[];
}

/**
 * How many of an item's newest events are read: setting a file aside is its item's last state
 * change, and only a few events without a state change can follow it.
 */
const recentEventCount = 20;

/**
 * Shows the set-aside file or note in the file manager, or its folder when the person moved the
 * file away since. False when the path is not one the agent reported for that set-aside item, or
 * neither the path nor its folder exists.
 */
export function revealSetAside(records: SetAsideRecords, request: SetAsidePath): boolean {
  if (records.getItem(request.itemId)?.state !== 'quarantined') return false;
  const view = setAsideViewOf(records.listItemEvents(request.itemId, recentEventCount));
  if (view === undefined || ![view.filePath, view.notePath].includes(request.path)) return false;
  if (fs.existsSync(request.path)) {
    shell.showItemInFolder(request.path);
    return true;
  }
  const folder = path.dirname(request.path);
  if (!fs.existsSync(folder)) return false;
  void shell.openPath(folder);
  return true;
}
