/** What one side of a comparison does in one run, returning that run's measurements. */
export type RunSide<T> = (runIndex: number) => Promise<T>;

/** The counted runs of both sides, in the order they ran. */
export interface AlternatedRuns<B, S> {
  baseline: B[];
  subject: S[];
}

/**
 * Runs a baseline (A) and SiteDrop (B) alternately, A B A B …: `warmups` pairs first, whose
 * results are dropped, then `runs` counted pairs (the rule: five counted runs after a
 * warm-up). Alternating spreads slow drifts of the machine (other load, thermal, page cache)
 * over both sides instead of loading them onto one.
 */
export async function alternateRuns<B, S>(options: {
  warmups: number;
  runs: number;
  baseline: RunSide<B>;
  subject: RunSide<S>;
  log?: (line: string) => void;
}): Promise<AlternatedRuns<B, S>> {
  const result: AlternatedRuns<B, S> = { baseline: [], subject: [] };
  const total = options.warmups + options.runs;
  for (let index = 0; index < total; index += 1) {
    const isWarmup = index < options.warmups;
    const label = isWarmup ? `warm-up ${index + 1}` : `run ${index - options.warmups + 1}`;
    options.log?.(`  ${label}: baseline`);
    const baseline = await options.baseline(index);
    options.log?.(`  ${label}: SiteDrop`);
    const subject = await options.subject(index);
    if (!isWarmup) {
      result.baseline.push(baseline);
      result.subject.push(subject);
    }
  }
  return result;
}
