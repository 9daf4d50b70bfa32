import fs from 'node:fs';
import path from 'node:path';
import { itemStates, type ItemState } from '../../shared/item-state.ts';
import {
  countItemsByState,
  itemFromRow,
  listItemRows,
  openDatabaseReadOnly,
  type Item,
} from '../core/store/index.ts';
import { formatBytes } from './data-dir-option.ts';

/** The shape `status --json` prints (DESIGN.md, "Interfaces"). */
export interface StatusReport {
  counts: Record<ItemState, number>;
  items: {
    id: number;
    folder: string;
    path: string;
    state: ItemState;
    size: number;
    sha256: string | null;
    quickXorHash: string | null;
    remoteUrl: string | null;
    error: string | null;
  }[];
}

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
    return formatStatus(options.dataDir, report, items, errors);
  } finally {
    db.close();
  }
}

function toStatusItem(item: Item): StatusReport['items'][number] {
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
  };
}

function formatStatus(
  dataDir: string,
  report: StatusReport,
  items: Item[],
  errors: Item[],
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
      lines.push(
        `  #${item.id}  ${item.state.padEnd(11)} ${item.folderId}/${item.relativePath}  ${formatBytes(item.sizeBytes)}${link}`,
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

function describeAgent(dataDir: string): string {
  try {
    const { pid } = JSON.parse(fs.readFileSync(path.join(dataDir, 'agent.lock'), 'utf8')) as {
      pid: number;
    };
    process.kill(pid, 0);
    return `agent running, PID ${pid}`;
  } catch {
    return 'agent not running';
  }
}
