/** The median and range of a figure's counted runs. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

/**
 * Summarises counted runs: the median (mean of the middle two for an even count), min and max.
 *
 * @throws Error for an empty list: a figure with no run has no value.
 */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    samples: [...samples],
  };
}

/**
 * The p-th percentile (0–100) of a list, interpolating linearly between neighbours.
 *
 * Sorts a copy, so callers may pass the raw list.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] ?? Number.NaN;
  const highValue = sorted[high] ?? Number.NaN;
  return lowValue + (highValue - lowValue) * (rank - low);
}

/** Rounds to a number of significant-looking decimals for reports (not for decisions). */
export function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
