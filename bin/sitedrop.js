#!/usr/bin/env node
// The `sitedrop` command. The sources are TypeScript run directly by Node's type stripping
// (on by default since Node 22.18 and 23.6); older 22.x lines need the flag, so re-run with it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cliPath = fileURLToPath(new URL('../src/main/cli.ts', import.meta.url));

if (process.features.typescript) {
  await import(pathToFileURL(cliPath).href);
} else {
  const result = spawnSync(
    process.execPath,
    [
      '--experimental-strip-types',
      '--no-warnings=ExperimentalWarning',
      cliPath,
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}
