import type { CpuPinning } from './cpu-pinning.ts';
import type { Summary } from './statistics.ts';

/** How long and how often figures run: `smoke` keeps them working in CI, `full` is the record. */
export type ProfileName = 'smoke' | 'full';

/** What every figure gets from the runner. */
export interface FigureContext {
  profile: ProfileName;
  /** Warm-up pairs and counted pairs of A B runs for this profile. */
  warmups: number;
  runs: number;
  /** A fresh directory on a real disk for this figure. */
  workDirectory: string;
  pinning: CpuPinning;
  /** node flags for SiteDrop's process (e.g. --cpu-prof when --profile-cpu was given). */
  subjectNodeFlags: string[];
  log(line: string): void;
}

/** One target the figure checks, with the numbers it compares. */
export interface FigureCheck {
  name: string;
  unit: string;
  value: Summary;
  /** The same measure of the baseline, when the check compares to one. */
  baseline: Summary | null;
  /** The limit the value is compared to, derived from the baseline or fixed. */
  limit: number | null;
  target: string;
  met: boolean | null;
}

/** What a figure returns: its checks, the first being the headline, and notes for the page. */
export interface FigureOutcome {
  checks: FigureCheck[];
  notes: string[];
  /** Extra measurements worth keeping (counts, per-run details). */
  details?: Record<string, unknown>;
}

/** A benchmark figure of issue 7. */
export interface Figure {
  id: number;
  name: string;
  /** The target, as text. */
  target: string;
  /** The baseline measured in the same run, as text. */
  baselineDescription: string;
  run(context: FigureContext): Promise<FigureOutcome>;
}

/** A figure's entry in bench/results/latest.json (the shape, plus its checks). */
export interface FigureResult {
  id: number;
  name: string;
  value: number | null;
  baseline: number | null;
  ratio: number | null;
  target: string;
  met: boolean | null;
  unit: string;
  baselineDescription: string;
  checks: FigureCheck[];
  notes: string[];
  /** Set when the figure could not be measured: why. */
  notMeasured?: string;
  durationMs: number;
  /** When this figure was measured, and the machine's load averages then (1/5/15 min). */
  measuredAt: string;
  loadAverageAtStart: number[];
  details?: Record<string, unknown>;
}

/** A check's fields before its verdict: what is measured, against what, and the target's words. */
export type CheckFields = Omit<FigureCheck, 'limit' | 'met'>;

/** A check met when the value's median is at most `limit`. */
export function atMost(fields: CheckFields, limit: number): FigureCheck {
  return { ...fields, limit, met: fields.value.median <= limit };
}

/** A check met when the value's median is at least `limit`. */
export function atLeast(fields: CheckFields, limit: number): FigureCheck {
  return { ...fields, limit, met: fields.value.median >= limit };
}
