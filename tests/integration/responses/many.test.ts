import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startResponsesBench } from './harness.ts';

describe('many responses at once', () => {
  it('brings 1,000 responses listed over several delta pages, each once', async () => {
    const bench = await startResponsesBench();
    const responses = bench.startResponses();
    await responses.checkNow();
    for (let index = 0; index < 1_000; index += 1) {
      await bench.headOfficePuts(`answer ${String(index).padStart(4, '0')}.txt`, `answer ${index}`);
    }
    await responses.checkNow();
    const deltaPages = bench.requests({ pathIncludes: '/delta' }).slice(1);
    expect(deltaPages.length).toBeGreaterThanOrEqual(5);
    const all = bench.store.responses.listNewest(2_000);
    expect(all).toHaveLength(1_000);
    expect(all.every((response) => response.state === 'ready')).toBe(true);
    expect(bench.visibleNames()).toHaveLength(1_000);
    expect(fs.readFileSync(`${bench.localFolder}/answer 0999.txt`, 'utf8')).toBe('answer 999');
    await responses.checkNow();
    expect(bench.store.responses.listNewest(2_000)).toHaveLength(1_000);
    expect(bench.requests({ pathIncludes: '/_download/' })).toHaveLength(1_000);
  }, 240_000);
});
