import { describe, expect, it } from 'vitest';
import { runStatus } from '../../../../src/main/cli/status-command.ts';
import { formatBytes } from '../../../../src/shared/format/bytes.ts';
import type { Store } from '../../../../src/main/core/store/index.ts';
import { openTestStore, queueItem } from '../../../helpers/store.ts';
import { makeTempDir } from '../../../helpers/temp-dir.ts';

function deliver(store: Store, relativePath: string): number {
  const item = queueItem(store, { relativePath });
  store.transitionItem(item.id, 'uploading', { attempt: 1 });
  store.transitionItem(
    item.id,
    'delivered',
    { remoteUrl: `https://contoso.sharepoint.com/${relativePath}`, isModifiedByServer: false },
    { remoteUrl: `https://contoso.sharepoint.com/${relativePath}` },
  );
  return item.id;
}

describe('sitedrop status', () => {
  it('says what became of the local file of each delivered item', () => {
    const dataDir = makeTempDir();
    const { store } = openTestStore(dataDir);
    const archivedId = deliver(store, 'site/plan.pdf');
    const deletedId = deliver(store, 'scan.pdf');
    deliver(store, 'kept.pdf');
    store.appendEvent(
      {
        type: 'item.archived',
        data: { itemId: archivedId, path: 'site/plan.pdf', archivePath: '/srv/in/Sent/plan.pdf' },
      },
      archivedId,
    );
    store.appendEvent(
      { type: 'item.local-deleted', data: { itemId: deletedId, path: 'scan.pdf' } },
      deletedId,
    );

    const lines = runStatus({ dataDir, json: false, all: false }).split('\n');
    expect(lines.find((line) => line.includes('site/plan.pdf'))).toMatch(
      /Delivered .*\(local file archived to \/srv\/in\/Sent\/plan\.pdf\)$/,
    );
    expect(lines.find((line) => line.includes('scan.pdf'))).toMatch(/\(local file deleted\)$/);
    expect(lines.find((line) => line.includes('kept.pdf'))).not.toMatch(/local file/);

    const report = JSON.parse(runStatus({ dataDir, json: true, all: false })) as {
      items: { id: number; path: string; state: string; remoteUrl: string }[];
    };
    expect(report.items.map((item) => [item.path, item.state])).toEqual([
      ['kept.pdf', 'delivered'],
      ['scan.pdf', 'delivered'],
      ['site/plan.pdf', 'delivered'],
    ]);
  });

  it('writes every size in units with the one formatter, never milliseconds or a bare byte count', () => {
    const dataDir = makeTempDir();
    const { store } = openTestStore(dataDir);
    const sizes = [1, 999, 2_400_000, 10_485_760, 250_000_000, 5_000_000_000];
    for (const [index, sizeBytes] of sizes.entries()) {
      queueItem(store, { relativePath: `file-${index}.pdf`, sizeBytes });
    }

    const lines = runStatus({ dataDir, json: false, all: true }).split('\n');
    for (const [index, sizeBytes] of sizes.entries()) {
      const line = lines.find((entry) => entry.includes(`file-${index}.pdf`)) ?? '';
      expect(line.endsWith(`  ${formatBytes(sizeBytes)}`), line).toBe(true);
    }
    // The first line names the data directory, whose temp name may hold any digits.
    const report = lines.slice(1).join('\n');
    expect(report).not.toMatch(/\d\s*ms\b/);
    expect(report).not.toMatch(/\d{4,}/);
  });
});
