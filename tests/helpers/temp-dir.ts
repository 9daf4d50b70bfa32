import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * A fresh directory on the real disk (never tmpfs-only semantics assumed), removed when the
 * current test finishes.
 */
export function makeTempDir(prefix = 'sitedrop-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
