import { formatBytes } from '../../shared/format/bytes.ts';
import { inspectDataDirLock } from '../core/data-dir-lock/index.ts';
import { readFeedPortFile, readFeedToken } from '../core/feed/index.ts';
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

/** What `sitedrop responses --check-now` got from the running agent. */
export type CheckNowOutcome = { isChecked: true } | { isChecked: false; reason: string };

/**
 * Asks the agent running on the data directory to check SharePoint for responses now, through
 * its feed (POST /api/responses/check-now on 127.0.0.1, with the data directory's token), and
 * waits until that check ended. Without a running agent nothing is checked, and the reason says
 * how to start one.
 */
export async function checkResponsesNow(dataDir: string): Promise<CheckNowOutcome> {
  const port = readFeedPortFile(dataDir);
  const token = readFeedToken(dataDir);
  if (!inspectDataDirLock(dataDir).isHeld || port === undefined || token === undefined) {
    return {
      isChecked: false,
      reason: `No SiteDrop agent is running for ${dataDir}, so nothing was checked now; start it (sitedrop agent, or the desktop app) and it checks by itself.`,
    };
  }
  const response = await fetch(`http://127.0.0.1:${port}/api/responses/check-now`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
  });
  if (response.ok) return { isChecked: true };
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  return {
    isChecked: false,
    reason: `The agent could not check now: ${body.message ?? `HTTP ${response.status}`}`,
  };
}

function describe(response: ResponseRecord): string {
  const size = response.sizeBytes === null ? '' : `, ${formatBytes(response.sizeBytes)}`;
  const request = response.requestId ? ` for ${response.requestId}` : '';
  const head = `  #${response.id} ${response.state}${response.skipReason ? ` (${response.skipReason})` : ''}: ${response.name}${size}${request}`;
  if (response.state === 'failed') return `${head}\n      ${response.errorMessage ?? ''}`;
  return response.localPath ? `${head}\n      ${response.localPath}` : head;
}
