import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import type { StatusResponseSchema } from '../../../../shared/feed-protocol/views.ts';
import { responseFromRow, type ResponseRecord } from './response-record.ts';

/**
 * The newest `limit` responses, newest first, on any connection (a read-only one beside a
 * running agent, for `sitedrop status` and `sitedrop responses`). A database from before the
 * responses inbox (no table yet) has none.
 */
export function listResponses(db: Database, limit: number): ResponseRecord[] {
  const hasTable = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'responses'")
    .get();
  if (!hasTable) return [];
  const rows = db.prepare('SELECT * FROM responses ORDER BY id DESC LIMIT ?').all(limit);
  return (rows as Record<string, unknown>[]).map(responseFromRow);
}

/** A response as `sitedrop status --json` and `sitedrop responses --json` show it. */
export type StatusResponse = z.infer<typeof StatusResponseSchema>;

/** The status view of a response (the field names of docs/cli.md's contract). */
export function toStatusResponse(response: ResponseRecord): StatusResponse {
  return {
    id: response.id,
    request_id: response.requestId,
    name: response.name,
    remotePath: response.remotePath,
    localPath: response.localPath,
    state: response.state,
    size: response.sizeBytes,
    quickXorHash: response.quickXorHash,
    error: response.errorMessage,
  };
}
