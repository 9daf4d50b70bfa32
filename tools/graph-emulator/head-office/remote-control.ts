// The control API's routes for head office's side (see remote-files.ts):
//   PUT    /_emulator/files/{library}/{path}   body: the bytes → 201 new / 200 replaced
//   DELETE /_emulator/files/{library}/{path}   → 204, or 404 when there is nothing there
//   POST   /_emulator/delta/invalidate          body: {driveId?, code?} → 204

import { GraphError, readJsonObject, sendEmpty, sendJson } from '../http-util.ts';
import type { RequestContext } from '../http-util.ts';
import { renderItem } from '../render.ts';
import type { RemoteFiles } from './remote-files.ts';

const RESYNC_CODES = ['resyncChangesApplyDifferences', 'resyncChangesUploadDifferences'] as const;

/** Serve a control route of head office's side; false when `route` is not one. */
export async function handleRemoteControl(
  context: RequestContext,
  route: string,
  remote: RemoteFiles,
): Promise<boolean> {
  const { method } = context;
  if (route === 'delta/invalidate' && method === 'POST') {
    const body = await readJsonObject(context.body);
    const code = body['code'];
    if (code !== undefined && !RESYNC_CODES.includes(code as (typeof RESYNC_CODES)[number])) {
      throw new GraphError(
        400,
        'invalidRequest',
        `code must be one of ${RESYNC_CODES.join(', ')}.`,
      );
    }
    const driveId = typeof body['driveId'] === 'string' ? body['driveId'] : undefined;
    remote.invalidateDeltaTokens({
      ...(driveId === undefined ? {} : { driveId }),
      ...(code === undefined ? {} : { code: code as (typeof RESYNC_CODES)[number] }),
    });
    sendEmpty(context, 204);
    return true;
  }
  const file = /^files\/([^/]+)\/(.+)$/.exec(route);
  if (!file || (method !== 'PUT' && method !== 'DELETE')) return false;
  const target = {
    library: decodeURIComponent(file[1] ?? ''),
    path: (file[2] ?? '').split('/').map(decodeURIComponent).join('/'),
  };
  if (method === 'DELETE') {
    if (!(await remote.deleteItem(target))) {
      throw new GraphError(404, 'itemNotFound', `Nothing at "${target.path}".`);
    }
    sendEmpty(context, 204);
    return true;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of context.body) chunks.push(chunk as Buffer);
  const store = remote.drive(target.library);
  const segments = target.path.split('/').filter((segment) => segment !== '');
  const existed = store.resolve(store.root, segments) !== undefined;
  const { item } = await remote.putFile(target, Buffer.concat(chunks));
  sendJson(context, existed ? 200 : 201, renderItem(store, item));
  return true;
}
