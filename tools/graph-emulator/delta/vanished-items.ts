// Items the item journal knew but the start-up scan did not find: their files were removed while
// the emulator was stopped, so delta reports them deleted, as SharePoint reports any deletion.

import type { JournaledItem } from '../item-journal.ts';
import type { DriveChangeLog } from './change-log.ts';

/**
 * Give each journaled item missing from `found` a tombstone. Paths are the journal's keys (paths
 * on disk below the library); an item's parent is the journaled item at its parent path, else
 * the library's root.
 */
export function recordVanishedItems(
  changes: DriveChangeLog,
  recalled: ReadonlyMap<string, JournaledItem>,
  found: ReadonlyMap<string, JournaledItem>,
  rootId: string,
): void {
  const vanished = [...recalled.keys()].filter((diskPath) => !found.has(diskPath));
  // Deepest first: a folder's children leave before the folder does.
  vanished.sort((a, b) => b.split('/').length - a.split('/').length);
  for (const diskPath of vanished) {
    const item = recalled.get(diskPath);
    if (!item) continue;
    const ancestorIds: string[] = [];
    for (let at = diskPath.lastIndexOf('/'); at > 0; at = diskPath.lastIndexOf('/', at - 1)) {
      const ancestor = recalled.get(diskPath.slice(0, at));
      if (ancestor) ancestorIds.push(ancestor.id);
    }
    ancestorIds.push(rootId);
    changes.vanished({
      id: item.id,
      parentId: ancestorIds[0] ?? rootId,
      ancestorIds,
      // The journal keeps a quickXorHash for files only.
      isFolder: item.quickXorHash === '',
      size: 0,
      version: item.version + 1,
      createdAt: item.createdAt,
      modifiedAt: Date.now(),
    });
  }
}
