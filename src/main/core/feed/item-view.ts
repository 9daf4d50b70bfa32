import type { AttemptView, ItemView, StatusReport } from '../../../shared/feed-protocol.ts';
import type { Attempt, Item } from '../store/index.ts';

/** The UI's view of an item: everything but internals and the upload-session URL. */
export function toItemView(item: Item): ItemView {
  return {
    id: item.id,
    folderId: item.folderId,
    path: item.relativePath,
    state: item.state,
    sizeBytes: item.sizeBytes,
    sha256: item.sha256,
    quickXorHash: item.quickXorHash,
    remoteUrl: item.remoteUrl,
    verificationNote: item.verificationNote,
    errorCode: item.lastErrorCode,
    errorMessage: item.lastErrorMessage,
    attempts: item.attempts,
    nextAttemptAt: item.nextAttemptAt,
    request: item.request,
    targetPath: item.targetPath,
    duplicateOfItemId: item.duplicateOfItemId,
    firstQueuedAt: item.firstQueuedAt,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** The UI's view of one upload attempt. */
export function toAttemptView(attempt: Attempt): AttemptView {
  return {
    id: attempt.id,
    startedAt: attempt.startedAt,
    endedAt: attempt.endedAt,
    outcome: attempt.outcome,
    httpStatus: attempt.httpStatus,
    errorCode: attempt.errorCode,
    errorMessage: attempt.errorMessage,
  };
}

/** One item as `sitedrop status --json` prints it. */
export function toStatusItem(item: Item): StatusReport['items'][number] {
  return {
    id: item.id,
    folder: item.folderId,
    path: item.relativePath,
    state: item.state,
    size: item.sizeBytes,
    sha256: item.sha256,
    quickXorHash: item.quickXorHash,
    remoteUrl: item.remoteUrl,
    error: item.lastErrorMessage,
    verificationNote: item.verificationNote,
  };
}
