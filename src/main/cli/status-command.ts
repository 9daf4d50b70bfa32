import type { LoggedEvent } from '../../shared/events.ts';
import type { StatusReport } from '../../shared/feed-protocol.ts';
import { itemStates } from '../../shared/item-state.ts';
import { inspectDataDirLock } from '../core/data-dir-lock/index.ts';
import { toStatusItem } from '../core/feed/index.ts';
import {
  countItemsByState,
  itemFromRow,
  latestItemEventsOfTypes,
  listItemRows,
  openDatabaseReadOnly,
  type Item,
} from '../core/store/index.ts';
import { formatBytes } from './data-dir-option.ts';

/** Options of `sitedrop status`. */
export interface StatusOptions {
  dataDir: string;
  json: boolean;
  all: boolean;
  /** How many recent items without --all. */
  recent?: number;
}

/**
 * Reads the database read-only (safe while the agent runs) and reports counts by state, the
 * most recent items and the latest errors.
 *
 * @returns the text to print.
 */
export function runStatus(options: StatusOptions): string {
  const db = openDatabaseReadOnly(options.dataDir);
  try {
    const counts = countItemsByState(db);
    const limit = options.all ? Number.MAX_SAFE_INTEGER : (options.recent ?? 20);
    const items = listItemRows(db, { limit }).map(itemFromRow);
    const report: StatusReport = { counts, items: items.map(toStatusItem) };
    if (options.json) return JSON.stringify(report);
    const errors = listItemRows(db, {
      states: ['failed', 'quarantined', 'retrying'],
      limit: 5,
    }).map(itemFromRow);
    const localFiles = latestItemEventsOfTypes(
      db,
      items.filter((item) => item.state === 'delivered').map((item) => item.id),
      ['item.archived', 'item.local-deleted'],
    );
    return formatStatus(options.dataDir, report, items, errors, localFiles);
  } finally {
    db.close();
  }
}

function formatStatus(
  dataDir: string,
  report: StatusReport,
  items: Item[],
  errors: Item[],
  localFiles: ReadonlyMap<number, LoggedEvent>,
): string {
  const lines = [`SiteDrop status for ${dataDir} (${describeAgent(dataDir)})`];
  const nonZero = itemStates.filter((state) => report.counts[state] > 0);
  lines.push(
    nonZero.length === 0
      ? '  No files yet.'
      : `  ${nonZero.map((state) => `${state} ${report.counts[state]}`).join(' · ')}`,
  );
  if (items.length > 0) {
    lines.push('', 'Recent items (newest first):');
    for (const item of items) {
      const link = item.remoteUrl ? `  ${item.remoteUrl}` : '';
      const localFile = describeLocalFile(localFiles.get(item.id));
      lines.push(
        `  #${item.id}  ${item.state.padEnd(11)} ${item.folderId}/${item.relativePath}  ${formatBytes(item.sizeBytes)}${link}${localFile}`,
      );
    }
  }
  if (errors.length > 0) {
    lines.push('', 'Latest problems:');
    for (const item of errors) {
      lines.push(
        `  #${item.id}  ${item.state}: ${item.relativePath} — ${item.lastErrorMessage ?? ''}`,
      );
    }
  }
  return lines.join('\n');
}

/** What the after-upload action did with a delivered item's local file, or '' when nothing. */
function describeLocalFile(event: LoggedEvent | undefined): string {
  if (event?.type === 'item.archived')
    return `  (local file archived to ${event.data.archivePath})`;
  if (event?.type === 'item.local-deleted') return '  (local file deleted)';
  return '';
}

function describeAgent(dataDir: string): string {
  // The lock decides whether an agent runs; agent.lock only names it.
  const { isHeld, holder } = inspectDataDirLock(dataDir);
  if (!isHeld) return 'agent not running';
  return holder ? `agent running, PID ${holder.pid}` : 'agent running';
}
