import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestStore, queueItem } from '../../../../helpers/store.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';

describe('a corrupt database', () => {
  it('is moved aside with a timestamp and replaced by a fresh one, not a crash', () => {
    const dataDir = makeTempDir();
    const first = openTestStore(dataDir);
    queueItem(first.store);
    first.store.close();
    const file = path.join(dataDir, 'sitedrop.db');
    const original = fs.readFileSync(file);
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from('this is not a database'), original.subarray(64)]),
    );

    const { store } = openTestStore(dataDir);
    expect(store.recovery?.movedTo).toMatch(/sitedrop\.db\.corrupt-2026-11-21T09-00-00-000Z$/);
    expect(fs.existsSync(store.recovery?.movedTo ?? '')).toBe(true);
    expect(store.countsByState().queued).toBe(0);
    expect(queueItem(store).state).toBe('queued');
  });

  it('with a damaged page inside is found by the integrity check at start', () => {
    const dataDir = makeTempDir();
    const first = openTestStore(dataDir);
    first.store.transaction(() => {
      for (let index = 0; index < 400; index += 1) {
        queueItem(first.store, { relativePath: `folder/file-${index}-${'x'.repeat(100)}.pdf` });
      }
    });
    first.store.close();
    const file = path.join(dataDir, 'sitedrop.db');
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    // Overwrite pages 3 to 6 (b-tree pages of the tables and indexes) with garbage.
    bytes.fill(0xa5, pageSize * 2, pageSize * 6);
    fs.writeFileSync(file, bytes);

    const { store } = openTestStore(dataDir);
    expect(store.recovery).toBeDefined();
    expect(store.countsByState().queued).toBe(0);
  });

  it('is left alone when recovery is not allowed (a CLI command beside the agent)', async () => {
    const dataDir = makeTempDir();
    openTestStore(dataDir).store.close();
    fs.writeFileSync(path.join(dataDir, 'sitedrop.db'), 'garbage garbage garbage garbage');
    const { Store } = await import('../../../../../src/main/core/store/index.ts');
    const { EventBus } = await import('../../../../../src/main/core/events/index.ts');
    const { TestClock } = await import('../../../../helpers/test-clock.ts');
    expect(() =>
      Store.open({
        dataDir,
        clock: new TestClock(),
        bus: new EventBus(() => undefined),
        isRecoveryAllowed: false,
      }),
    ).toThrow();
    expect(fs.readFileSync(path.join(dataDir, 'sitedrop.db'), 'utf8')).toContain('garbage');
  });
});
