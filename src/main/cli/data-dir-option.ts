import path from 'node:path';
import { defaultDataDir } from '../core/config/index.ts';

/** The data directory from --data-dir, else SITEDROP_DATA_DIR, else the OS default. */
export function resolveDataDir(option: string | undefined): string {
  return option ? path.resolve(option) : defaultDataDir();
}

/** Formats a byte count for people (1.2 MB). */
export function formatBytes(sizeBytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = sizeBytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
