import { describe, expect, it } from 'vitest';
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
});
