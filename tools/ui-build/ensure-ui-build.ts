/**
 * Builds the status UI (src/renderer → dist/renderer/, with Vite) when the build is missing or
 * older than its sources, so that `npm ci && npm start` serves a built UI and the e2e tests
 * never run against a stale one. Up to date, it costs one directory walk (a few milliseconds).
 *
 * Run as `node tools/ui-build/ensure-ui-build.ts` (npm's prestart, predemo) or call
 * ensureUiBuild() (the e2e global setup).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Vite from 'vite';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const builtIndex = path.join(repoRoot, 'dist', 'renderer', 'index.html');
const sources = ['src/renderer', 'src/shared', 'vite.config.ts', 'package-lock.json'];

/** Whether dist/renderer is missing or older than a source file. */
export function isUiBuildStale(): boolean {
  if (!fs.existsSync(builtIndex)) return true;
  const builtAt = fs.statSync(builtIndex).mtimeMs;
  return sources.some((source) => newestModification(path.join(repoRoot, source)) > builtAt);
}

/**
 * Builds the UI if it is stale.
 *
 * @returns whether it built.
 */
export async function ensureUiBuild(log: (line: string) => void = console.log): Promise<boolean> {
  if (!isUiBuildStale()) return false;
  let vite: typeof Vite;
  try {
    vite = await import('vite');
  } catch {
    log(
      'sitedrop: the status UI is not built and Vite is not installed (a production install?); ' +
        'the agent runs, and its page explains how to build the UI.',
    );
    return false;
  }
  log('sitedrop: building the status UI (dist/renderer)…');
  await vite.build({
    configFile: path.join(repoRoot, 'vite.config.ts'),
    logLevel: 'warn',
  });
  return true;
}

function newestModification(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    newest = Math.max(newest, newestModification(path.join(target, entry.name)));
  }
  return newest;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await ensureUiBuild();
}
