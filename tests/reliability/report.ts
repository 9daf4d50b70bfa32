import fs from 'node:fs';
import path from 'node:path';

/**
 * Adds one suite's figures to the reliability report file, when SITEDROP_RELIABILITY_REPORT
 * names one (`npm run soak` does); docs/reliability.md is written from it.
 */
export function recordReliabilityFigures(suite: string, figures: unknown): void {
  const file = process.env.SITEDROP_RELIABILITY_REPORT;
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const existing = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {};
  existing[suite] = figures;
  fs.writeFileSync(file, `${JSON.stringify(existing, null, 2)}\n`);
}
