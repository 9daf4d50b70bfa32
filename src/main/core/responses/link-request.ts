import fs from 'node:fs';
import type { Store } from '../store/index.ts';

/** A JSON response larger than this is not read for its request_id. */
const maxJsonBytes = 1024 * 1024;

/**
 * The request a response answers, or null (docs/responses.md, "Linking"):
 * its name begins with the id of a request SiteDrop delivered, followed by a space, a dot, an
 * underscore or the end (`REQ-77 answer.pdf`, `REQ-77.response.json`); or, for a JSON response,
 * its `request_id` names a delivered request.
 */
export async function findRequestIdOf(
  store: Store,
  name: string,
  localPath: string,
): Promise<string | null> {
  const byName = store.responses.deliveredRequestIdPrefixOf(name);
  if (byName !== null) return byName;
  if (!name.toLowerCase().endsWith('.json')) return null;
  let requestId: unknown;
  try {
    const stat = await fs.promises.stat(localPath);
    if (stat.size > maxJsonBytes) return null;
    requestId = (
      JSON.parse(await fs.promises.readFile(localPath, 'utf8')) as { request_id?: unknown }
    ).request_id;
  } catch {
    // Not JSON, or not readable: the response stays unlinked, and is still delivered and listed.
    return null;
  }
  return typeof requestId === 'string' && store.responses.isDeliveredRequestId(requestId)
    ? requestId
    : null;
}

/**
 * The request a library column's value names (docs/responses.md, "Linking"): a text value, spaces
 * around it ignored, that is the id of a request SiteDrop delivered; otherwise null.
 */
export function requestIdOfColumnValue(store: Store, value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const requestId = value.trim();
  return requestId !== '' && store.responses.isDeliveredRequestId(requestId) ? requestId : null;
}
