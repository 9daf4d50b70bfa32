import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { runCrashRestart, type CrashProfile } from './crash-harness.ts';
import { reliabilityProfileName, reliabilitySeed } from './prng.ts';
import { recordReliabilityFigures } from './report.ts';

const profiles: Record<'short' | 'long', CrashProfile> = {
  // CI: about a minute on two cores.
  short: {
    name: 'short',
    cycles: 20,
    smallFiles: 150,
    mediumFiles: 12,
    largeFiles: 2,
    settleTimeoutMs: 60_000,
  },
  // npm run soak
  long: {
    name: 'long',
    cycles: 200,
    smallFiles: 3_000,
    mediumFiles: 150,
    largeFiles: 20,
    settleTimeoutMs: 600_000,
  },
};

describe('crash and restart (real processes, SIGKILL)', () => {
  const profile = profiles[reliabilityProfileName()];
  const seed = reliabilitySeed();

  it(
    `delivers every file exactly once, byte-identical, through ${profile.cycles} SIGKILLs (seed ${seed})`,
    async () => {
      // Printed so a failure can be replayed: SITEDROP_RELIABILITY_SEED=<seed>.
      console.info(`crash-restart: profile ${profile.name}, seed ${seed}`);
      const report = await runCrashRestart({
        home: makeTempDir('sitedrop-crash-'),
        profile,
        seed,
        log: profile.name === 'long' ? (line) => console.info(line) : undefined,
      });
      recordReliabilityFigures('crashRestart', report);
      console.info(
        `crash-restart: ${JSON.stringify({ ...report, problems: report.problems.length })}`,
      );
      expect(report.problems).toEqual([]);
      expect(report.cycles).toBeGreaterThanOrEqual(profile.cycles);
      expect(report.delivered).toBe(report.files);
      expect({
        lost: report.lost,
        duplicated: report.duplicated,
        corrupted: report.corrupted,
        stuck: report.stuck,
        prematureLocalMoves: report.prematureLocalMoves,
        crashes: report.crashes,
      }).toEqual({
        lost: 0,
        duplicated: 0,
        corrupted: 0,
        stuck: 0,
        prematureLocalMoves: 0,
        crashes: 0,
      });
    },
    profile.name === 'long' ? 3_600_000 : 180_000,
  );
});
