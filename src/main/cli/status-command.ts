import type { LoggedEvent } from '../../shared/events.ts';
import type { StatusReport } from '../../shared/feed-protocol.ts';
import type { ItemState } from '../../shared/item-state.ts';
import { formatBytes } from '../../shared/format/bytes.ts';
import { formatCount } from '../../shared/format/count.ts';
import { setAsideViewOf } from '../../shared/set-aside.ts';
import {
  countInGroup,
  describeGroupBreakdown,
  itemStateGroupKeys,
  itemStateGroups,
  itemStateLabels,
} from '../../shared/state-vocabulary.ts';
import { inspectDataDirLock } from '../core/data-dir-lock/index.ts';
import { toStatusItem } from '../core/feed/index.ts';
import {
  countItemsByState,
  itemFromRow,
  latestEventOfTypes,
  latestItemEventsOfTypes,
  listItemRows,
  listResponses,
  openDatabaseReadOnly,
  toStatusResponse,
  type Item,
} from '../core/store/index.ts';

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
 * most recent items and the latest files that need a person or will be retried. The human
 * output speaks the window's words (src/shared/state-vocabulary.ts); `--json` keeps the state
 * keys, a contract for scripts.
 *
 * @returns the text to print.
 */
export function runStatus(options: StatusOptions): string {
  const db = openDatabaseReadOnly(options.dataDir);
  try {
    const counts = countItemsByState(db);
    const limit = options.all ? Number.MAX_SAFE_INTEGER : (options.recent ?? 20);
    const items = listItemRows(db, { limit }).map(itemFromRow);
    const report: StatusReport = {
      counts,
      items: items.map(toStatusItem),
      responses: listResponses(db, limit).map(toStatusResponse),
      account: accountOf(latestEventOfTypes(db, ['account.signed-in', 'account.signed-out'])),
    };
    if (options.json) return JSON.stringify(report);
    const latestOf = (states: readonly ItemState[]) =>
      listItemRows(db, { states: [...states], limit: 5 }).map(itemFromRow);
    const attention = {
      needsYou: latestOf(itemStateGroups['needs-you'].states),
      willRetry: latestOf(itemStateGroups['will-retry'].states),
    };
    const localFiles = latestItemEventsOfTypes(
      db,
      items.filter((item) => item.state === 'delivered').map((item) => item.id),
      ['item.archived', 'item.local-deleted'],
    );
    const setAside = latestItemEventsOfTypes(
      db,
      attention.needsYou.filter((item) => item.state === 'quarantined').map((item) => item.id),
      ['item.quarantined'],
    );
    return formatStatus(options.dataDir, report, items, attention, { localFiles, setAside });
  } finally {
    db.close();
  }
}

/** Who is signed in, from the last sign-in or sign-out logged (by the agent or `sitedrop login`). */
function accountOf(event: LoggedEvent | undefined): StatusReport['account'] {
  return event?.type === 'account.signed-in' ? event.data : null;
}

function formatStatus(
  dataDir: string,
  report: StatusReport,
  items: Item[],
  attention: { needsYou: Item[]; willRetry: Item[] },
  eventsByItem: {
    localFiles: ReadonlyMap<number, LoggedEvent>;
    setAside: ReadonlyMap<number, LoggedEvent>;
  },
): string {
  const { localFiles, setAside } = eventsByItem;
  const lines = [`SiteDrop status for ${dataDir} (${describeAgent(dataDir)})`];
  if (report.account) {
    const { name, username } = report.account;
    lines.push(`  Signed in as ${name ? `${name} (${username})` : username}`);
  }
  const isEmpty = Object.values(report.counts).every((count) => count === 0);
  lines.push(isEmpty ? '  No files yet.' : `  ${describeGroupCounts(report.counts)}`);
  if (items.length > 0) {
    lines.push('', 'Recent items (newest first):');
    for (const item of items) {
      const link = item.remoteUrl ? `  ${item.remoteUrl}` : '';
      const localFile = describeLocalFile(localFiles.get(item.id));
      lines.push(
        `  #${item.id}  ${itemStateLabels[item.state].padEnd(stateLabelWidth)} ${item.folderId}/${item.relativePath}  ${formatBytes(item.sizeBytes)}${link}${localFile}`,
      );
    }
  }
  for (const [title, latest] of [
    [`${itemStateGroups['needs-you'].label} (latest):`, attention.needsYou],
    [`${itemStateGroups['will-retry'].label} (latest):`, attention.willRetry],
  ] as const) {
    if (latest.length === 0) continue;
    lines.push('', title);
    for (const item of latest) {
      lines.push(
        `  #${item.id}  ${itemStateLabels[item.state]}: ${item.relativePath} — ${item.lastErrorMessage ?? ''}`,
        ...describeSetAside(setAside.get(item.id)),
      );
    }
  }
  return lines.join('\n');
}

const stateLabelWidth = Math.max(...Object.values(itemStateLabels).map((label) => label.length));

/** Every group with its count, and the states of a group of several: as the dashboard's tiles. */
function describeGroupCounts(counts: StatusReport['counts']): string {
  return itemStateGroupKeys
    .map((key) => {
      const breakdown = describeGroupBreakdown(counts, key);
      return `${itemStateGroups[key].label} ${formatCount(countInGroup(counts, key))}${breakdown ? ` (${breakdown})` : ''}`;
    })
    .join(' · ');
}

/** Where a set-aside file and its note are now, as lines under the file's. */
function describeSetAside(event: LoggedEvent | undefined): string[] {
  const view = event ? setAsideViewOf([event]) : undefined;
  if (!view) return [];
  return [`      The file is now at ${view.filePath}`, `      Its note: ${view.notePath}`];
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
