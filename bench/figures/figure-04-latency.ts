import { atLeast, type Figure } from '../lib/figure.ts';
import { summarize } from '../lib/statistics.ts';
import { measureUploadThroughput, requestsPerFileCheck } from './upload-throughput.ts';

const latencyMs = 200;
const concurrency = 8;

/**
 * Figure 4: the same uploads with 200 ms added server latency, against Little's law
 * (concurrency ÷ latency) and the bare loop.
 */
export const figureLatency: Figure = {
  id: 4,
  name: 'end to end with 200 ms added server latency',
  target: "≥ 0.95 × Little's law and × the bare loop",
  baselineDescription: "Little's law (8 ÷ 0.2 s = 40 files/s) and the bare loop",
  async run(context) {
    // The issue asks for 10,000 files; at ≤ 40 files/s the full profile's 12 runs of 1,000 take
    // ~6 minutes. Fewer files let the start's round trips weigh more (see the note).
    const fileCount = context.profile === 'full' ? 1_000 : 24;
    const runs = await measureUploadThroughput(context, { fileCount, latencyMs });
    const subjectRate = summarize(runs.subject.map((run) => run.filesPerSecond));
    const baselineRate = summarize(runs.baseline.map((run) => run.filesPerSecond));
    const littlesLaw = concurrency / (latencyMs / 1000);
    const littles = summarize([littlesLaw]);
    return {
      checks: [
        atLeast(
          {
            name: "throughput vs Little's law",
            unit: 'files/s',
            value: subjectRate,
            baseline: littles,
            target: "≥ 0.95 × Little's law",
          },
          0.95 * littlesLaw,
        ),
        atLeast(
          {
            name: 'throughput vs the bare loop',
            unit: 'files/s',
            value: subjectRate,
            baseline: baselineRate,
            target: '≥ 0.95 × bare loop',
          },
          0.95 * baselineRate.median,
        ),
        requestsPerFileCheck(runs),
      ],
      notes: [
        `Scaled down: ${fileCount} files per run instead of the issue's 10,000 (at ≤ 40 files/s, the full profile's 12 runs of 10,000 would take over an hour; 1,000 take ~6 minutes). SiteDrop's delivery looks up its token, site and drive when it starts (~0.6 s at 200 ms each; docs/delivery.md, "Connecting at start"), and the bench queues the files 300 ms after the agent reported it started, so about half of that falls inside SiteDrop's clock; the bare loop makes its lookups before its clock starts. That start weighs ~1% of a 1,000-file run against ~10% of the 250-file runs before, so this is closer to the issue's 10,000-file measurement, not a different one. Same settings as figure 3; the emulator adds ${latencyMs} ms to every Graph and upload-URL request.`,
      ],
    };
  },
};
