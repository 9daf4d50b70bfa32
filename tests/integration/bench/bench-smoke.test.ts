import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../../bench/lib/report.ts';
import { allFigures } from '../../../bench/figures/all-figures.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const runnerPath = fileURLToPath(new URL('../../../bench/run.ts', import.meta.url));

// The smoke profile keeps every benchmark working (issue 7); it asserts no speed, only that each
// figure ran end to end against its baseline and produced numbers.
describe('npm run bench -- --profile smoke', () => {
  it('runs every figure briefly and writes a result for each', { timeout: 180_000 }, async () => {
    const resultsFile = path.join(makeTempDir('sitedrop-bench-'), 'smoke.json');
    const output: string[] = [];
    const exitCode = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [
        runnerPath,
        '--profile',
        'smoke',
        '--results',
        resultsFile,
      ]);
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.on('exit', resolve);
    });
    expect(exitCode, output.join('')).toBe(0);
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as BenchResults;
    expect(results.machine.node).toBe(process.versions.node);
    expect(results.figures.map((figure) => figure.id)).toEqual(
      allFigures.map((figure) => figure.id),
    );
    for (const figure of results.figures) {
      if (figure.notMeasured !== undefined) {
        // Only a stated reason may excuse a figure (e.g. no Chromium), never a crash.
        expect(figure.notMeasured, `figure ${figure.id}`).not.toMatch(/^the figure failed/);
        continue;
      }
      expect(figure.checks.length, `figure ${figure.id}`).toBeGreaterThan(0);
      for (const check of figure.checks)
        expect(Number.isFinite(check.value.median), `${figure.id}: ${check.name}`).toBe(true);
    }
  });
});
