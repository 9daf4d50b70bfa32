/**
 * `npm run bench`: runs the benchmark figures, each against a baseline measured in the same run,
 * and writes bench/results/latest.json and the table in docs/performance.md.
 *
 *   npm run bench                          the full profile (run by hand; results committed)
 *   npm run bench -- --profile smoke       a few seconds per figure, no speed verdicts kept
 *   npm run bench -- --only 1,2            some figures
 *   npm run bench -- --only 3 --merge      rerun some figures into latest.json and the page
 *   npm run bench -- --runs 1 --warmups 0  a quick look (never written to latest.json)
 *   npm run bench -- --cpu-prof            SiteDrop's processes write .cpuprofile files
 *
 * The full profile writes bench/results/latest.json and docs/performance.md; the smoke profile
 * writes bench/tmp/smoke-results.json only. Exit code 1 when a figure failed to run (a speed
 * target missed is a result, not a failure).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createBenchDirectory, describeFileSystem, repositoryRoot } from './lib/bench-directory.ts';
import { decideCpuPinning, pinCurrentProcess } from './lib/cpu-pinning.ts';
import type { Figure, FigureContext, FigureResult, ProfileName } from './lib/figure.ts';
import { describeMachine } from './lib/machine-info.ts';
import { NotMeasuredError } from './lib/not-measured.ts';
import { updatePerformancePage, writeResultsJson, type BenchResults } from './lib/report.ts';
import { allFigures } from './figures/all-figures.ts';

const profiles: Record<ProfileName, { warmups: number; runs: number }> = {
  smoke: { warmups: 0, runs: 1 },
  full: { warmups: 1, runs: 5 },
};

const usage = `Usage: npm run bench [-- options]
  --profile smoke|full   smoke: one quick run per figure, no record kept (default full)
  --only 1,2             only these figures
  --merge                with --only: merge the figures into latest.json and docs/performance.md
  --runs N --warmups N   a quick look (never written to latest.json)
  --results FILE         where to write the results JSON
  --no-docs              leave docs/performance.md alone
  --cpu-prof             SiteDrop's processes write .cpuprofile files
  --keep                 keep the run's temporary directory
  --help                 this text`;

function parseOptions() {
  try {
    return parseArgs({ options: benchOptions });
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

const benchOptions = {
  profile: { type: 'string', default: 'full' },
  only: { type: 'string' },
  results: { type: 'string' },
  'no-docs': { type: 'boolean', default: false },
  'cpu-prof': { type: 'boolean', default: false },
  keep: { type: 'boolean', default: false },
  merge: { type: 'boolean', default: false },
  runs: { type: 'string' },
  warmups: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

const { values } = parseOptions();
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const profile = values.profile as ProfileName;
if (!(profile in profiles)) {
  console.error(`bench: unknown --profile "${values.profile}"; use smoke or full.`);
  process.exit(2);
}
const onlyIds = values.only?.split(',').map((id) => Number(id.trim()));
const figures: Figure[] = allFigures.filter((figure) => !onlyIds || onlyIds.includes(figure.id));
// Only a full-profile run with the profile's own run counts is a record for the docs.
const isRecord =
  profile === 'full' &&
  (!onlyIds || values.merge) &&
  values.runs === undefined &&
  values.warmups === undefined;
const resultsFile = path.resolve(
  values.results ??
    (profile === 'full'
      ? path.join(repositoryRoot, 'bench', 'results', isRecord ? 'latest.json' : 'partial.json')
      : path.join(repositoryRoot, 'bench', 'tmp', 'smoke-results.json')),
);

const runDirectory = createBenchDirectory();
const pinning = decideCpuPinning();
const command = [
  'npm run bench',
  ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
].join(' ');
const machine = describeMachine({
  pinning,
  fileSystem: describeFileSystem(runDirectory),
  profile,
  command,
});
// The driver (it drops files, reads results) shares the counterpart's core, never SiteDrop's.
// Pinned after describing the machine, which counts the cores this process may use.
pinCurrentProcess(pinning.peerCpu);
console.log(
  `bench: profile ${profile}, ${figures.length} figure(s), work directory ${runDirectory}`,
);
console.log(
  `bench: ${machine.pinning}; disk ${machine.fileSystem}; load ${machine.loadAverageAtStart.join(' ')}`,
);

const results: FigureResult[] = [];
let hasFailure = false;
for (const figure of figures) {
  const workDirectory = path.join(runDirectory, `figure-${figure.id}`);
  fs.mkdirSync(workDirectory, { recursive: true });
  const cpuProfileDirectory = path.join(
    repositoryRoot,
    'bench',
    'tmp',
    'profiles',
    `figure-${figure.id}`,
  );
  if (values['cpu-prof']) fs.mkdirSync(cpuProfileDirectory, { recursive: true });
  const context: FigureContext = {
    profile,
    warmups: values.warmups !== undefined ? Number(values.warmups) : profiles[profile].warmups,
    runs: values.runs !== undefined ? Number(values.runs) : profiles[profile].runs,
    workDirectory,
    pinning,
    subjectNodeFlags: values['cpu-prof']
      ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDirectory}`]
      : [],
    log: (line) => console.log(`[${figure.id}] ${line}`),
  };
  console.log(`\nFigure ${figure.id}: ${figure.name}`);
  const startedAt = performance.now();
  const base = {
    id: figure.id,
    name: figure.name,
    target: figure.target,
    baselineDescription: figure.baselineDescription,
    measuredAt: new Date().toISOString(),
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
  try {
    const outcome = await figure.run(context);
    const headline = outcome.checks[0];
    const verdicts = outcome.checks.map((check) => check.met).filter((met) => met !== null);
    const value = headline?.value.median ?? null;
    const baseline = headline?.baseline?.median ?? null;
    const result: FigureResult = {
      ...base,
      value,
      baseline,
      ratio: value !== null && baseline ? value / baseline : null,
      met: verdicts.length === 0 ? null : verdicts.every(Boolean),
      unit: headline?.unit ?? '',
      checks: outcome.checks,
      notes: outcome.notes,
      durationMs: Math.round(performance.now() - startedAt),
      ...(outcome.details ? { details: outcome.details } : {}),
    };
    results.push(result);
    for (const check of outcome.checks) {
      console.log(
        `[${figure.id}] ${check.name}: ${check.value.median.toFixed(3)} ${check.unit}` +
          (check.baseline ? ` vs baseline ${check.baseline.median.toFixed(3)}` : '') +
          ` → ${check.met === null ? 'reported' : check.met ? 'met' : 'MISSED'} (${check.target})`,
      );
    }
  } catch (error) {
    const isNotMeasured = error instanceof NotMeasuredError;
    if (!isNotMeasured) hasFailure = true;
    const reason = isNotMeasured
      ? error.message
      : `the figure failed: ${String((error as Error)?.message ?? error)}`;
    console.error(
      `[${figure.id}] not measured: ${isNotMeasured ? reason : String((error as Error)?.stack ?? error)}`,
    );
    results.push({
      ...base,
      value: null,
      baseline: null,
      ratio: null,
      met: null,
      unit: '',
      checks: [],
      notes: [],
      notMeasured: reason,
      durationMs: Math.round(performance.now() - startedAt),
    });
  }
}

machine.loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
let merged = results;
if (values.merge && fs.existsSync(resultsFile)) {
  // Figures rerun now replace their earlier entries; each entry carries its own measuredAt.
  const earlier = (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as BenchResults).figures;
  const rerun = new Set(results.map((figure) => figure.id));
  merged = [...earlier.filter((figure) => !rerun.has(figure.id)), ...results].sort(
    (a, b) => a.id - b.id,
  );
}
const report: BenchResults = { machine, figures: merged };
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
writeResultsJson(resultsFile, report);
console.log(`\nbench: results in ${resultsFile}`);
if (isRecord && !values['no-docs']) {
  const page = path.join(repositoryRoot, 'docs', 'performance.md');
  await updatePerformancePage(page, report);
  console.log(`bench: table in ${page}`);
}
if (!values.keep) fs.rmSync(runDirectory, { recursive: true, force: true });
process.exit(hasFailure ? 1 : 0);
