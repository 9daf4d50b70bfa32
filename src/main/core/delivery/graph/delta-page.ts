import type { RemoteChange } from '../../store/index.ts';

/** One page of a delta query, reduced to what the return channel needs. */
export type DeltaPage =
  | {
      kind: 'page';
      /** The files changed directly in the folder asked about, deletions included. */
      changes: RemoteChange[];
      /** `@odata.nextLink`: more pages follow. Opaque. */
      nextLink?: string;
      /** `@odata.deltaLink` on the last page: where the next check starts. Opaque. */
      deltaLink?: string;
    }
  /** 410 Gone: the token is no longer valid; enumerate again (from `location` when given). */
  | { kind: 'resync'; location?: string }
  /** The service refuses a delta on a folder (only on the root): use root delta, filtered. */
  | { kind: 'folder-refused' };

/**
 * The changes of a delta page's `value` that concern files directly in `folderItemId`: a file
 * whose parent is that folder, or any deletion (SharePoint gives a deleted item no name, cTag or
 * path; the inbox ignores ids it does not hold). Folders and files elsewhere are left out.
 */
export function changesOfFolder(
  value: readonly Record<string, unknown>[],
  folderItemId: string,
): RemoteChange[] {
  const changes: RemoteChange[] = [];
  for (const item of value) {
    const id = typeof item.id === 'string' ? item.id : undefined;
    if (!id || id === folderItemId || item.folder !== undefined || item.root !== undefined)
      continue;
    const parent = item.parentReference as { id?: string } | undefined;
    if (item.deleted !== undefined) {
      changes.push({ remoteItemId: id, isDeleted: true });
      continue;
    }
    if (parent?.id !== folderItemId) continue;
    const file = item.file as { hashes?: { quickXorHash?: string } } | undefined;
    const fileSystemInfo = item.fileSystemInfo as { lastModifiedDateTime?: string } | undefined;
    const modifiedAt = Date.parse(
      String(fileSystemInfo?.lastModifiedDateTime ?? item.lastModifiedDateTime ?? ''),
    );
    changes.push({
      remoteItemId: id,
      isDeleted: false,
      eTag: typeof item.eTag === 'string' ? item.eTag : undefined,
      cTag: typeof item.cTag === 'string' ? item.cTag : undefined,
      name: typeof item.name === 'string' ? item.name : undefined,
      sizeBytes: typeof item.size === 'number' ? item.size : undefined,
      quickXorHash: file?.hashes?.quickXorHash,
      remoteModifiedAt: Number.isNaN(modifiedAt) ? undefined : modifiedAt,
    });
  }
  return changes;
}
