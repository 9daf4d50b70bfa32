import { formatBytes } from '../../shared/format/bytes.ts';
import {
  listResponses,
  openDatabaseReadOnly,
  toStatusResponse,
  type ResponseRecord,
} from '../core/store/index.ts';

/** Options of `sitedrop responses`. */
export interface ResponsesOptions {
  dataDir: string;
  json: boolean;
  /** How many of the newest responses (default 50). */
  limit?: number;
}

/**
 * Lists the responses brought back (and those on their way or needing a person), newest first,
 * from the database read-only: safe while the agent runs.
 *
 * @returns the text to print.
 */
export function runResponses(options: ResponsesOptions): string {
  const db = openDatabaseReadOnly(options.dataDir);
  try {
    const responses = listResponses(db, options.limit ?? 50);
    if (options.json) return JSON.stringify({ responses: responses.map(toStatusResponse) });
    if (responses.length === 0) {
      return `No responses yet in ${options.dataDir}. Turn them on per watched folder (responses.enabled, docs/responses.md).`;
    }
    return [`Responses in ${options.dataDir} (newest first):`, ...responses.map(describe)].join(
      '\n',
    );
  } finally {
    db.close();
  }
}

function describe(response: ResponseRecord): string {
  const size = response.sizeBytes === null ? '' : `, ${formatBytes(response.sizeBytes)}`;
  const request = response.requestId ? ` for ${response.requestId}` : '';
  const head = `  #${response.id} ${response.state}${response.skipReason ? ` (${response.skipReason})` : ''}: ${response.name}${size}${request}`;
  if (response.state === 'failed') return `${head}\n      ${response.errorMessage ?? ''}`;
  return response.localPath ? `${head}\n      ${response.localPath}` : head;
}
