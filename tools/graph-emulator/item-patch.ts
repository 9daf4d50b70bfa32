// PATCH on a driveItem: rename (name), move (parentReference by id or path) and the client's
// times (fileSystemInfo), as api-reference/v1.0/api/driveitem-update.md and driveitem-move.md
// document them. The body is checked against Graph's metadata first; If-Match guards it (412).

import type { DriveStore, ItemRecord } from './drive-store.ts';
import { itemNotFound } from './drive-store.ts';
import { GraphError, readJsonObject, sendJson } from './http-util.ts';
import type { RequestContext } from './http-util.ts';
import { checkIfMatch, clientFileTimes } from './graph-request.ts';
import { assertValidResourceBody } from './metadata/service-metadata.ts';
import { renderItem } from './render.ts';

/** Serve `PATCH …/items/{id}` (or by path): 200 with the updated driveItem. */
export async function patchDriveItem(
  context: RequestContext,
  store: DriveStore,
  item: ItemRecord,
): Promise<void> {
  const body = await readJsonObject(context.body);
  assertValidResourceBody('microsoft.graph.driveItem', body);
  checkIfMatch(context, item);
  const name = typeof body['name'] === 'string' ? body['name'] : item.name;
  const parent =
    typeof body['parentReference'] === 'object' && body['parentReference'] !== null
      ? resolveParent(store, body['parentReference'] as Record<string, unknown>)
      : item.parent;
  if (parent && (parent !== item.parent || name !== item.name)) {
    await store.moveItem(item, parent, name);
  } else if (!parent && (body['name'] !== undefined || body['parentReference'] !== undefined)) {
    throw new GraphError(
      400,
      'invalidRequest',
      'The root of a library cannot be moved or renamed.',
    );
  }
  const times = clientFileTimes(body['fileSystemInfo']);
  if (times) store.setFileSystemInfo(item, times);
  sendJson(context, 200, renderItem(store, item));
}

/**
 * The folder a parentReference names: by `id` (the root's real id; driveitem-move.md: "your app
 * cannot use the "id:" "root" syntax"), else by `path` ('/drives/{drive-id}/root:/a/b' or
 * '/drive/root:/a/b'). Another drive is refused: "Items cannot be moved between Drives using
 * this request."
 */
function resolveParent(store: DriveStore, reference: Record<string, unknown>): ItemRecord {
  const driveId = reference['driveId'];
  if (driveId !== undefined && driveId !== store.info.id) {
    throw new GraphError(400, 'invalidRequest', 'Items cannot be moved between drives with PATCH.');
  }
  if (typeof reference['id'] === 'string') {
    const parent = store.get(reference['id']);
    if (!parent) throw itemNotFound();
    return parent;
  }
  if (typeof reference['path'] === 'string') {
    const referencePath = reference['path'];
    const rootAt = referencePath.indexOf('/root');
    const drivePart = rootAt < 0 ? '' : referencePath.slice(0, rootAt);
    if (rootAt < 0 || (drivePart !== '/drive' && drivePart !== `/drives/${store.info.id}`)) {
      throw new GraphError(
        400,
        'invalidRequest',
        `parentReference.path "${referencePath}" must be "/drives/{drive-id}/root:/folder".`,
      );
    }
    const segments = referencePath
      .slice(rootAt + '/root'.length)
      .replace(/^:/, '')
      .replace(/:$/, '')
      .split('/')
      .filter((segment) => segment !== '');
    const parent = store.resolve(store.root, segments);
    if (!parent) throw itemNotFound();
    return parent;
  }
  throw new GraphError(400, 'invalidRequest', 'parentReference needs an id or a path.');
}
