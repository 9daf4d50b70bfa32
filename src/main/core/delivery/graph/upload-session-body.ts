import type { ConflictBehavior } from './sharepoint-client.ts';

/** What SiteDrop tells SharePoint about a file when it opens an upload session. */
export interface UploadSessionFile {
  conflict: ConflictBehavior;
  sizeBytes: number;
  /** The local file's modification time (epoch ms), kept as the item's lastModifiedDateTime. */
  modifiedAtMs?: number;
  /**
   * The local file's creation time (epoch ms), when the file system records one: Node reports
   * 0 (the epoch) where it does not, and that is no creation time.
   */
  createdAtMs?: number;
}

/**
 * The JSON body of `POST …/createUploadSession` for a file.
 *
 * The action's parameters are `item` (a driveItemUploadableProperties) and `deferCommit`, and
 * Graph's OData layer answers 400 to any other parameter, so `fileSize` and `fileSystemInfo` go
 * inside `item`, beside the conflict behaviour (Graph, driveItem: createUploadSession, "Request
 * body" and "Parameters"; resources/driveitemuploadableproperties). `fileSystemInfo` is what
 * keeps the local file's times in SharePoint: "File system information on client".
 */
export function buildUploadSessionBody(file: UploadSessionFile): {
  item: Record<string, unknown>;
} {
  const fileSystemInfo: Record<string, string> = {};
  if (isMeaningfulTime(file.createdAtMs)) {
    fileSystemInfo.createdDateTime = new Date(file.createdAtMs).toISOString();
  }
  if (isMeaningfulTime(file.modifiedAtMs)) {
    fileSystemInfo.lastModifiedDateTime = new Date(file.modifiedAtMs).toISOString();
  }
  return {
    item: {
      '@microsoft.graph.conflictBehavior': file.conflict,
      fileSize: file.sizeBytes,
      ...(Object.keys(fileSystemInfo).length > 0 ? { fileSystemInfo } : {}),
    },
  };
}

/** A time after the epoch that a Date can hold (0 is what Node reports for "unknown"). */
function isMeaningfulTime(epochMs: number | undefined): epochMs is number {
  return epochMs !== undefined && Number.isFinite(epochMs) && epochMs > 0 && epochMs < 8.64e15;
}
