import { describe, expect, it } from 'vitest';
import { secretNames } from '../../../src/main/core/platform.ts';
import { startBench } from './harness.ts';

const tokenPath = '/oauth2/v2.0/token';

describe('signing in once for many uploads (issue 7)', () => {
  it('asks the sign-in service for one token when eight uploads start at once', async () => {
    const bench = await startBench({ config: { delivery: { concurrency: 8 } } });
    const items = Array.from({ length: 8 }, (_, index) =>
      bench.dropFile(`at-once/${index}.txt`, `file ${index}`),
    );
    await bench.start();
    for (const item of items) {
      expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    }
    // Eight workers reached Graph together, each before any token was cached.
    const firstGraphCalls = bench.requests({ pathIncludes: '/v1.0/' }).slice(0, 8);
    expect(firstGraphCalls).toHaveLength(8);
    expect(bench.requests({ method: 'POST', pathIncludes: tokenPath })).toHaveLength(1);
  });

  it('keeps the token in memory: msal and its cache are not asked again for every request', async () => {
    const bench = await startBench({ config: { delivery: { concurrency: 4 } } });
    let cacheReads = 0;
    const get = bench.secretStore.get.bind(bench.secretStore);
    bench.secretStore.get = (name: string) => {
      if (name === secretNames.tokenCache) cacheReads += 1;
      return get(name);
    };
    await bench.start();
    const items = Array.from({ length: 20 }, (_, index) =>
      bench.dropFile(`many/${index}.txt`, `file ${index}`),
    );
    for (const item of items) {
      expect((await bench.waitForState(item.id, ['delivered', 'failed'])).state).toBe('delivered');
    }
    expect(bench.requests({ pathIncludes: '/v1.0/' }).length).toBeGreaterThanOrEqual(20);
    expect(bench.requests({ method: 'POST', pathIncludes: tokenPath })).toHaveLength(1);
    // Only the first acquisition reads msal's cache (before its lookup and before its write).
    expect(cacheReads).toBe(2);
  });
});
