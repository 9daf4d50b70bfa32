/**
 * Seeds a data directory with many items at once, for the checks that the UI stays smooth with
 * 100,000 of them (issue 5). Run as a child process before the agent starts:
 *
 *   node tests/e2e/helpers/seed-items.ts --data-dir DIR --count 100000 [--folder office]
 *
 * The store creates (or migrates) the database; the rows then go in through one prepared
 * statement in one transaction (about half a second for 100,000), rather than one transaction
 * and event per item as intake writes them. Items are delivered, with a few of every other
 * state mixed in; they have no events, as after an event log was trimmed.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EventBus } from '../../../src/main/core/events/index.ts';
import { systemClock } from '../../../src/main/core/lifecycle/index.ts';
import { Store } from '../../../src/main/core/store/index.ts';

/** Writes `count` items for `folderId` into the database of `dataDir`; returns the time it took. */
export function seedItems(dataDir: string, count: number, folderId: string): number {
  const startedAt = performance.now();
  Store.open({ dataDir, clock: systemClock, bus: new EventBus(() => undefined) }).close();
  const db = new Database(path.join(dataDir, 'sitedrop.db'));
  try {
    const insert = db.prepare(`
      INSERT INTO items (folder_id, relative_path, size_bytes, mtime_ms, sha256, quick_xor_hash,
        request_json, target_path, state, attempts, last_error_code, last_error_message,
        remote_url, first_queued_at, created_at, updated_at)
      VALUES (@folder, @path, @size, @at, NULL, NULL, @request, @target, @state, @attempts,
        @errorCode, @errorMessage, @remoteUrl, @at, @at, @at)`);
    const now = Date.now();
    db.transaction(() => {
      for (let index = 1; index <= count; index += 1) {
        const name = `site-${String(index % 250).padStart(3, '0')}/report-${index}.pdf`;
        const isFailed = index % 997 === 0;
        insert.run({
          folder: folderId,
          path: name,
          size: 1_000 + ((index * 7_919) % 5_000_000),
          at: now - (count - index) * 1_000,
          request: index % 3 === 0 ? JSON.stringify({ request_id: `REQ-${index}` }) : null,
          target: `Incoming/${name}`,
          state: isFailed ? 'failed' : 'delivered',
          attempts: 1,
          errorCode: isFailed ? 'graph.forbidden' : null,
          errorMessage: isFailed ? `SharePoint refused ${name}: no write permission` : null,
          remoteUrl: isFailed ? null : `https://contoso.sharepoint.com/sites/SiteOffice/${name}`,
        });
      }
    })();
  } finally {
    db.close();
  }
  return performance.now() - startedAt;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      count: { type: 'string', default: '100000' },
      folder: { type: 'string', default: 'office' },
    },
  });
  if (!values['data-dir']) throw new Error('--data-dir DIR is required');
  const tookMs = seedItems(values['data-dir'], Number(values.count), values.folder);
  process.stdout.write(`seeded ${values.count} items in ${Math.round(tookMs)} ms\n`);
}
