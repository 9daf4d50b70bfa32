import type { ItemState } from '../../../shared/item-state.ts';

/** One file version that SiteDrop saw, with its delivery state (a row of `items`). */
export interface Item {
  id: number;
  folderId: string;
  /** '/'-separated path relative to the watched folder. */
  relativePath: string;
  sizeBytes: number;
  mtimeMs: number;
  sha256: string | null;
  quickXorHash: string | null;
  /** Validated request metadata, for JSON request files. */
  request: Record<string, unknown> | null;
  /** The path under the library where the file goes. */
  targetPath: string | null;
  /**
   * The SharePoint library the file was recorded for (the folder's `target.library`, else
   * `sharepoint.library`); null for items recorded before schema version 2.
   */
  library: string | null;
  state: ItemState;
  attempts: number;
  nextAttemptAt: number | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  remoteId: string | null;
  remoteUrl: string | null;
  /** The hash SharePoint reports when it rewrote the file (Office documents). */
  remoteQuickXorHash: string | null;
  /**
   * How the delivery was verified, when not by size and quickXorHash both: e.g. "Size checked;
   * SharePoint gave no hash". Null for a delivery verified in full, and before delivery.
   */
  verificationNote: string | null;
  /** The upload session's URL: a bearer capability, never logged or shown. */
  uploadSessionUrl: string | null;
  uploadSessionExpiresAt: number | null;
  uploadNextOffset: number | null;
  duplicateOfItemId: number | null;
  firstQueuedAt: number;
  createdAt: number;
  updatedAt: number;
}

/** Which version of a path the store's latest item stands for (what a scan compares). */
export type PathVersion = Pick<Item, 'relativePath' | 'sizeBytes' | 'mtimeMs' | 'state'> & {
  itemId: number;
};

/** What intake supplies to record a new file version. */
export type NewItem = Pick<Item, 'folderId' | 'relativePath' | 'sizeBytes' | 'mtimeMs'> &
  Partial<Pick<Item, 'sha256' | 'quickXorHash' | 'request' | 'targetPath' | 'library'>>;

/** The fields of an item besides its identity, file path, state and row times. */
export type ItemFields = Omit<
  Item,
  'id' | 'folderId' | 'relativePath' | 'state' | 'createdAt' | 'updatedAt'
>;

/** Fields a transition may change besides the state. */
export type ItemChanges = Partial<ItemFields>;

/**
 * The fields of an item standing for a new version of its file, with nothing of delivery's
 * progress: what a new item starts with, and what an item re-queued for a changed file takes.
 */
export function newVersionFields(newItem: NewItem, now: number): ItemFields {
  return {
    sizeBytes: newItem.sizeBytes,
    mtimeMs: newItem.mtimeMs,
    sha256: newItem.sha256 ?? null,
    quickXorHash: newItem.quickXorHash ?? null,
    request: newItem.request ?? null,
    targetPath: newItem.targetPath ?? null,
    library: newItem.library ?? null,
    attempts: 0,
    nextAttemptAt: null,
    lastErrorCode: null,
    lastErrorMessage: null,
    remoteId: null,
    remoteUrl: null,
    remoteQuickXorHash: null,
    verificationNote: null,
    // An upload session holds the old content's bytes: the new version starts over.
    uploadSessionUrl: null,
    uploadSessionExpiresAt: null,
    uploadNextOffset: null,
    duplicateOfItemId: null,
    firstQueuedAt: now,
  };
}

/** The SQL column for each item field. */
export const itemColumns: Readonly<Record<keyof Item, string>> = {
  id: 'id',
  folderId: 'folder_id',
  relativePath: 'relative_path',
  sizeBytes: 'size_bytes',
  mtimeMs: 'mtime_ms',
  sha256: 'sha256',
  quickXorHash: 'quick_xor_hash',
  request: 'request_json',
  targetPath: 'target_path',
  library: 'library',
  state: 'state',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
  lastErrorCode: 'last_error_code',
  lastErrorMessage: 'last_error_message',
  remoteId: 'remote_id',
  remoteUrl: 'remote_url',
  remoteQuickXorHash: 'remote_quick_xor_hash',
  verificationNote: 'verification_note',
  uploadSessionUrl: 'upload_session_url',
  uploadSessionExpiresAt: 'upload_session_expires_at',
  uploadNextOffset: 'upload_next_offset',
  duplicateOfItemId: 'duplicate_of_item_id',
  firstQueuedAt: 'first_queued_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

/** A row of `items` as SQLite returns it. */
export type ItemRow = Record<string, unknown>;

const fieldColumns = Object.entries(itemColumns) as [keyof Item, string][];

/** Turns a row into an Item. */
export function itemFromRow(row: ItemRow): Item {
  const item = {} as Record<keyof Item, unknown>;
  for (const [field, column] of fieldColumns) item[field] = row[column];
  item.request = typeof row.request_json === 'string' ? JSON.parse(row.request_json) : null;
  return item as unknown as Item;
}

/** Turns a field value into what SQLite stores. */
export function toColumnValue(field: keyof Item, value: unknown): unknown {
  if (field === 'request') return value == null ? null : JSON.stringify(value);
  return value ?? null;
}
