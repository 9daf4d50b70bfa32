import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/unit/**/*.test.ts',
      'tests/integration/**/*.test.ts',
      'tests/electron/**/*.test.ts',
      'tests/reliability/**/*.test.ts',
    ],
    // Agents under test take any free status port, so parallel tests never compete for 47821.
    env: { SITEDROP_FEED_PORT: '0' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real agents, watchers and HTTPS servers; two cores run them best
    // a few at a time rather than all at once.
    maxWorkers: 2,
  },
});
