// Request-level helpers of the Graph routes: decoding path segments, upload targets, conflict
// behavior and If-Match checks.

import type { ClientFileTimes, ConflictBehavior, DriveStore, ItemRecord } from './drive-store.ts';
import { GraphError } from './http-util.ts';
import type { RequestContext } from './http-util.ts';
import type { UploadTarget } from './upload-sessions.ts';

/**
 * What an upload addresses: an existing file (by id, or by path when it exists) or a new name,
 * which must be one SharePoint accepts (400 otherwise).
 */
export function uploadTarget(
  store: DriveStore,
  base: ItemRecord,
  segments: readonly string[],
  addressed: ItemRecord | undefined,
): UploadTarget {
  if (segments.length === 0) {
    if (base.isFolder)
      throw new GraphError(400, 'invalidRequest', 'Cannot upload content to a folder.');
    return { kind: 'existing', item: base };
  }
  const name = segments[segments.length - 1] ?? '';
  if (addressed && !addressed.isFolder) {
    return { kind: 'new', base: addressed.parent ?? store.root, folderSegments: [], name };
  }
  // A name or path SharePoint refuses is refused before any byte is received.
  const folderSegments = segments.slice(0, -1);
  const parent = store.resolve(base, folderSegments);
  if (parent) store.assertNewFileAllowed(parent, [], name);
  else store.assertNewFileAllowed(base, folderSegments, name);
  return { kind: 'new', base, folderSegments, name };
}

/**
 * The times of a fileSystemInfo value (driveItemUploadableProperties.fileSystemInfo), already
 * checked against the metadata; undefined when the client sent none.
 */
export function clientFileTimes(value: unknown): ClientFileTimes | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const times = value as Record<string, unknown>;
  const epoch = (time: unknown): number | undefined =>
    typeof time === 'string' ? Date.parse(time) : undefined;
  return {
    createdAt: epoch(times['createdDateTime']),
    modifiedAt: epoch(times['lastModifiedDateTime']),
  };
}

/** The conflict behavior a request asked for (body or query), or `fallback`; 400 if invalid. */
export function conflictBehavior(value: unknown, fallback: ConflictBehavior): ConflictBehavior {
  if (value === undefined || value === null) return fallback;
  if (value === 'fail' || value === 'replace' || value === 'rename') return value;
  throw new GraphError(
    400,
    'invalidRequest',
    `Invalid @microsoft.graph.conflictBehavior "${String(value)}": use fail, replace or rename.`,
  );
}

/** Enforce an If-Match header against an item's eTag or cTag (412 resourceModified). */
export function checkIfMatch(context: RequestContext, item: ItemRecord | undefined): void {
  const ifMatch = context.request.headers['if-match'];
  if (ifMatch === undefined || ifMatch === '*' || item === undefined) return;
  const guid = `{${item.guid.toUpperCase()}}`;
  const current = [`"${guid},${item.version}"`, `"c:${guid},${item.contentVersion}"`];
  if (!current.includes(ifMatch.trim())) {
    throw new GraphError(412, 'resourceModified', "ETag does not match current item's value", {
      innerCode: 'entityTagDoesNotMatch',
    });
  }
}

/**
 * Enforce an If-Match header on a list item (listitem-update.md: "If this request header is
 * included and the eTag provided does not match the current eTag on the item, a 412 Precondition
 * Failed response is returned and the item will not be updated"). The list item's eTag is
 * `"{guid},{version}"` (its `@odata.etag`); the driveItem's `"{GUID},{version}"` names the same
 * version, so either form matches, braces and case aside.
 */
export function checkListItemIfMatch(context: RequestContext, item: ItemRecord): void {
  const ifMatch = context.request.headers['if-match'];
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const normalize = (tag: string): string => tag.trim().replace(/[{}]/g, '').toLowerCase();
  const current = normalize(`"${item.guid},${item.version}"`);
  if (normalize(ifMatch) !== current) {
    throw new GraphError(412, 'resourceModified', "ETag does not match current item's value", {
      innerCode: 'entityTagDoesNotMatch',
    });
  }
}

/** Percent-decode one path segment; 400 when malformed. */
export function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GraphError(400, 'invalidRequest', `Malformed percent-encoding in "${segment}".`);
  }
}

/** Graph's 400 for a path it has no resource for. */
export function badSegment(segment: string): GraphError {
  return new GraphError(
    400,
    'BadRequest',
    `Resource not found for the segment '${segment.split('/').filter(Boolean)[0] ?? segment}'.`,
  );
}
