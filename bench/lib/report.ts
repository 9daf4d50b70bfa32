import fs from 'node:fs';
import * as prettier from 'prettier';
import type { FigureCheck, FigureResult } from './figure.ts';
import type { MachineInfo } from './machine-info.ts';
import { round } from './statistics.ts';

/** bench/results/latest.json: the machine and one entry per figure (issue 7's shape). */
export interface BenchResults {
  machine: MachineInfo;
  figures: FigureResult[];
}

/** The markers between which docs/performance.md holds the generated results. */
export const resultsStartMarker =
  '<!-- bench:results:start (written by npm run bench; edit around it) -->';
export const resultsEndMarker = '<!-- bench:results:end -->';

/** Writes the results as JSON (two-space indented, trailing newline). */
export function writeResultsJson(file: string, results: BenchResults): void {
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * Replaces the generated part of docs/performance.md (between the markers) with the machine,
 * the command and the table of figures; the hand-written analysis around it stays.
 *
 * @throws Error with code 'bench.no-markers' when the page lost its markers, naming the fix.
 */
export async function updatePerformancePage(file: string, results: BenchResults): Promise<void> {
  const page = fs.readFileSync(file, 'utf8');
  const start = page.indexOf(resultsStartMarker);
  const end = page.indexOf(resultsEndMarker);
  if (start < 0 || end < start) {
    throw Object.assign(
      new Error(
        `${file} has no results markers: put "${resultsStartMarker}" and "${resultsEndMarker}" back where the table goes.`,
      ),
      { code: 'bench.no-markers' },
    );
  }
  const generated = renderResultsMarkdown(results);
  const text = `${page.slice(0, start + resultsStartMarker.length)}\n\n${generated}\n${page.slice(end)}`;
  // The page is prettier-checked in npm test: format the generated table as prettier would.
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
}

/** The machine, command and figures as Markdown (the generated part of the page). */
export function renderResultsMarkdown(results: BenchResults): string {
  const { machine } = results;
  const lines = [
    `Measured ${machine.startedAt} with \`${machine.command}\` (profile \`${machine.profile}\`).`,
    '',
    '| machine | |',
    '| --- | --- |',
    `| CPU | ${machine.cpuModel}, ${machine.cores} cores |`,
    `| memory | ${round(machine.memoryBytes / 2 ** 30, 1)} GiB |`,
    `| OS | ${machine.os} |`,
    `| Node | ${machine.node} |`,
    `| V8 | ${machine.v8} |`,
    `| SQLite | ${machine.sqlite} (better-sqlite3 ${machine.betterSqlite3}) |`,
    `| Chromium | ${machine.chromium ?? 'not installed'} |`,
    `| disk | ${machine.fileSystem} (bench/tmp/) |`,
    `| placement | ${machine.pinning} |`,
    `| load average (1/5/15 min) | start ${machine.loadAverageAtStart.join(' / ')}; end ${(machine.loadAverageAtEnd ?? []).join(' / ')} |`,
    '',
    'Each cell: median of the counted runs, then min–max. Ratio = SiteDrop ÷ baseline (medians).',
    '',
    '| # | figure | measure | baseline | SiteDrop | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const figure of results.figures) {
    if (figure.notMeasured !== undefined) {
      lines.push(
        `| ${figure.id} | ${figure.name} | — | — | not measured | — | ${figure.target} | — (${escapeCell(figure.notMeasured)}) |`,
      );
      continue;
    }
    figure.checks.forEach((check, index) => {
      const label = index === 0 ? `${figure.id}` : '';
      const name = index === 0 ? figure.name : '';
      lines.push(
        `| ${label} | ${escapeCell(name)} | ${escapeCell(check.name)} (${check.unit}) | ${formatSummary(check.baseline)} | ${formatSummary(check.value)} | ${formatRatio(check)} | ${escapeCell(check.target)} | ${formatMet(check.met)} |`,
      );
    });
  }
  const noted = results.figures.filter((figure) => figure.notes.length > 0);
  if (noted.length > 0) {
    lines.push('', 'Notes of this run:', '');
    for (const figure of noted) {
      for (const note of figure.notes) lines.push(`- **${figure.id}.** ${note}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function formatSummary(summary: FigureCheck['value'] | null): string {
  if (!summary) return '—';
  const median = formatNumber(summary.median);
  if (summary.samples.length <= 1) return median;
  return `${median} (${formatNumber(summary.min)}–${formatNumber(summary.max)})`;
}

function formatRatio(check: FigureCheck): string {
  if (!check.baseline || check.baseline.median === 0) return '—';
  return `${round(check.value.median / check.baseline.median, 2)}`;
}

function formatMet(met: boolean | null): string {
  if (met === null) return 'reported';
  return met ? 'yes' : '**no**';
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
