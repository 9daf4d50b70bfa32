import type { ResponseSkipReason, ResponseState } from '../../../../shared/response-state.ts';

/** One response as the inbox holds it: a remote file version and how far it got. */
export interface ResponseRecord {
  id: number;
  /** The watched folder whose responses mapping saw the file. */
  mappingId: string;
  remoteItemId: string;
  eTag: string | null;
  cTag: string | null;
  /** The remote name, as SharePoint gives it (checked before it becomes a local name). */
  name: string;
  sizeBytes: number | null;
  quickXorHash: string | null;
  /** The remote path under the mapped folder, when known ('/'-separated). */
  remotePath: string | null;
  /** fileSystemInfo.lastModifiedDateTime, epoch ms: the local file's modification time. */
  remoteModifiedAt: number | null;
  state: ResponseState;
  skipReason: ResponseSkipReason | null;
  /** Where the file is (ready), or was kept (a deletion recorded after it was brought). */
  localPath: string | null;
  /** Bytes of the partial file already written and synced: where a resumed download starts. */
  downloadOffset: number;
  errorCode: string | null;
  errorMessage: string | null;
  /** The request this response answers, when linked. */
  requestId: string | null;
  /** How the download was checked when not by size and quickXorHash both. */
  verificationNote: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A remote change as a delta page gives it, reduced to what the inbox records. */
export interface RemoteChange {
  remoteItemId: string;
  /** A deletion (the `deleted` facet): SharePoint gives no name or cTag then. */
  isDeleted: boolean;
  eTag?: string | undefined;
  cTag?: string | undefined;
  name?: string | undefined;
  sizeBytes?: number | undefined;
  quickXorHash?: string | undefined;
  remotePath?: string | undefined;
  remoteModifiedAt?: number | undefined;
}

/** Fields of a response that a download or a re-read of its metadata changes. */
export interface ResponseChanges {
  eTag?: string | null;
  cTag?: string | null;
  sizeBytes?: number | null;
  quickXorHash?: string | null;
  remoteModifiedAt?: number | null;
  localPath?: string | null;
  downloadOffset?: number;
  errorCode?: string | null;
  errorMessage?: string | null;
  requestId?: string | null;
  verificationNote?: string | null;
  skipReason?: ResponseSkipReason | null;
}

/** The column of each changeable field. */
export const responseChangeColumns: Readonly<Record<keyof ResponseChanges, string>> = {
  eTag: 'e_tag',
  cTag: 'c_tag',
  sizeBytes: 'size_bytes',
  quickXorHash: 'quick_xor_hash',
  remoteModifiedAt: 'remote_modified_at',
  localPath: 'local_path',
  downloadOffset: 'download_offset',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  requestId: 'request_id',
  verificationNote: 'verification_note',
  skipReason: 'skip_reason',
};

/** A row of `responses` as SQLite returns it. */
export function responseFromRow(row: Record<string, unknown>): ResponseRecord {
  return {
    id: row.id as number,
    mappingId: row.mapping_id as string,
    remoteItemId: row.remote_item_id as string,
    eTag: row.e_tag as string | null,
    cTag: row.c_tag as string | null,
    name: row.name as string,
    sizeBytes: row.size_bytes as number | null,
    quickXorHash: row.quick_xor_hash as string | null,
    remotePath: row.remote_path as string | null,
    remoteModifiedAt: row.remote_modified_at as number | null,
    state: row.state as ResponseState,
    skipReason: row.skip_reason as ResponseSkipReason | null,
    localPath: row.local_path as string | null,
    downloadOffset: row.download_offset as number,
    errorCode: row.error_code as string | null,
    errorMessage: row.error_message as string | null,
    requestId: row.request_id as string | null,
    verificationNote: row.verification_note as string | null,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

/**
 * Whether a change names the same remote version a response holds: the same cTag when both
 * have one (the content's version, https://learn.microsoft.com/graph/api/resources/driveitem), else the same eTag. A change without either
 * is a new version.
 */
export function isSameVersion(change: RemoteChange, response: ResponseRecord): boolean {
  if (change.cTag !== undefined && response.cTag !== null) return change.cTag === response.cTag;
  return change.eTag !== undefined && change.eTag === response.eTag;
}
