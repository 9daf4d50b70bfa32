import path from 'node:path';
import { defaultDataDir } from '../core/config/index.ts';

/** The data directory from --data-dir, else SITEDROP_DATA_DIR, else the OS default. */
export function resolveDataDir(option: string | undefined): string {
  return option ? path.resolve(option) : defaultDataDir();
}
