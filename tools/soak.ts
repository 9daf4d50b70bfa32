/**
 * `npm run soak`: the long reliability profile (issue 8): at least 200 SIGKILL/restart cycles
 * over thousands of files, and the fault, bad-input and attack suites, with their figures
 * written to test-results/reliability/report.json (docs/reliability.md is written from it).
 *
 * SITEDROP_RELIABILITY_SEED=<n> replays a run; other arguments go to vitest.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const reportFile = path.join(root, 'test-results', 'reliability', 'report.json');
fs.rmSync(reportFile, { force: true });
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(
  process.execPath,
  [vitest, 'run', 'tests/reliability', '--maxWorkers=1', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      SITEDROP_RELIABILITY_PROFILE: 'long',
      SITEDROP_RELIABILITY_REPORT: reportFile,
    },
  },
);
if (fs.existsSync(reportFile)) process.stdout.write(`\nFigures: ${reportFile}\n`);
process.exit(result.status ?? 1);
