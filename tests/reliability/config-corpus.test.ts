import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/main/core/config/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { CaseTally } from './case-figures.ts';
import { recordReliabilityFigures } from './report.ts';

interface ConfigCase {
  field: string;
  value: unknown;
  layer: 'user' | 'policy';
}

interface RawCase {
  layer: 'user' | 'policy';
  raw: string;
  field: string;
}

const corpus = JSON.parse(
  fs.readFileSync(new URL('../corpus/config.json', import.meta.url), 'utf8'),
) as { cases: ConfigCase[]; rawCases: RawCase[] };

const validBase = () => ({ folders: [{ id: 'requests', path: '/srv/requests' }] });

/** Sets a value at a path like `folders[0].polling.intervalMs`, creating objects on the way. */
function setAt(root: Record<string, unknown>, field: string, value: unknown): void {
  const segments = field
    .split(/\.|\[(\d+)\]/)
    .filter((segment) => segment !== undefined && segment !== '');
  let current: Record<string, unknown> = root;
  segments.forEach((segment, index) => {
    if (index === segments.length - 1) {
      current[segment] = value;
      return;
    }
    current[segment] ??= /^\d+$/.test(segments[index + 1] ?? '') ? [] : {};
    current = current[segment] as Record<string, unknown>;
  });
}

/** Per case: refused naming the field in the right file (1 or 0), and whether the loader crashed. */
interface ConfigCaseFigures {
  refusedNamingTheField: number;
  crashes: number;
}

const tally = new CaseTally<ConfigCaseFigures>();

/**
 * Loads the files as the agent would. A crash is the loader throwing anything but a ConfigError:
 * the agent would then stop with a stack trace instead of a sentence naming the file and field.
 */
function loadWith(files: { user?: string; policy?: string }) {
  const dir = makeTempDir('sitedrop-config-corpus-');
  const userConfigPath = path.join(dir, 'config.json');
  const policyPath = path.join(dir, 'policy.json');
  if (files.user !== undefined) fs.writeFileSync(userConfigPath, files.user);
  if (files.policy !== undefined) fs.writeFileSync(policyPath, files.policy);
  try {
    loadConfig({ defaults: {}, userConfigPath, policyPath });
  } catch (error) {
    if (error instanceof ConfigError) {
      return { error, crash: undefined, userConfigPath, policyPath };
    }
    return { error: undefined, crash: error, userConfigPath, policyPath };
  }
  return { error: undefined, crash: undefined, userConfigPath, policyPath };
}

/** The problem that names `field`, or a part of it (`exclude[0]` for a bad entry of `exclude`). */
function findProblem(error: ConfigError | undefined, field: string) {
  return error?.problems.find((candidate) =>
    candidate.field
      .split(', ')
      .some(
        (named) =>
          named === field || named.startsWith(`${field}[`) || named.startsWith(`${field}.`),
      ),
  );
}

/** Counts one case from what the loader did: refused naming the field in `file`, or crashed. */
function countConfigCase(
  loaded: { error: ConfigError | undefined; crash: unknown },
  file: string,
  field: string,
): ConfigCaseFigures {
  return {
    refusedNamingTheField: findProblem(loaded.error, field)?.file === file ? 1 : 0,
    crashes: loaded.crash === undefined ? 0 : 1,
  };
}

describe('the config corpus (tests/corpus/config.json): every bad value is refused, naming file and field', () => {
  // Written once every case has ended; a failed case is named there, and no totals are claimed.
  afterAll(() =>
    recordReliabilityFigures('configCorpus', {
      cases: corpus.cases.length + corpus.rawCases.length,
      ...tally.summarize(),
    }),
  );

  corpus.cases.forEach((entry, index) => {
    const title = `${entry.layer} ${entry.field} = ${JSON.stringify(entry.value)?.slice(0, 40)}`;
    it(title, () => {
      const record = tally.begin(`cases[${index}] ${title}`);
      const user = validBase();
      const policy: Record<string, unknown> = {};
      setAt(entry.layer === 'user' ? user : policy, entry.field, entry.value);
      const loaded = loadWith({
        user: JSON.stringify(user),
        ...(entry.layer === 'policy' ? { policy: JSON.stringify(policy) } : {}),
      });
      const file = entry.layer === 'user' ? loaded.userConfigPath : loaded.policyPath;
      const problem = findProblem(loaded.error, entry.field);
      record(countConfigCase(loaded, file, entry.field));
      expect(loaded.crash).toBeUndefined();
      expect(loaded.error, 'the agent must not start on this config').toBeDefined();
      expect(problem, loaded.error?.message).toBeDefined();
      expect(problem?.file).toBe(file);
      expect(problem?.message.length).toBeGreaterThan(10);
      // The error names the field and the file; it never repeats a secret put in the wrong place.
      expect(loaded.error?.message).toContain(entry.field);
      expect(loaded.error?.message).toContain(file);
      expect(loaded.error?.message).not.toContain('s3cr3t-in-a-file');
    });
  });

  corpus.rawCases.forEach((entry, index) => {
    const title = `a ${entry.layer} file that is not one JSON object: ${JSON.stringify(entry.raw)}`;
    it(title, () => {
      const record = tally.begin(`rawCases[${index}] ${title}`);
      const loaded = loadWith(
        entry.layer === 'user'
          ? { user: entry.raw }
          : { user: JSON.stringify(validBase()), policy: entry.raw },
      );
      const file = entry.layer === 'user' ? loaded.userConfigPath : loaded.policyPath;
      record(countConfigCase(loaded, file, entry.field));
      expect(loaded.crash).toBeUndefined();
      expect(loaded.error?.problems).toEqual([
        { file, field: entry.field, message: expect.stringMatching(/JSON/) },
      ]);
    });
  });
});

describe('the config corpus counts its figures from what the loader did', () => {
  const file = '/etc/sitedrop/policy.json';

  it('counts a loader that throws anything but a ConfigError as a crash, not a refusal', () => {
    expect(
      countConfigCase(
        { error: undefined, crash: new TypeError('x is undefined') },
        file,
        'logLevel',
      ),
    ).toEqual({ refusedNamingTheField: 0, crashes: 1 });
  });

  it('counts a refusal only when it names the field in the file that holds it', () => {
    const refusal = (problemFile: string, field: string) =>
      new ConfigError([{ file: problemFile, field, message: 'must be one of info, debug' }]);
    expect(
      countConfigCase({ error: refusal(file, 'logLevel'), crash: undefined }, file, 'logLevel'),
    ).toEqual({ refusedNamingTheField: 1, crashes: 0 });
    expect(
      countConfigCase({ error: refusal(file, 'feed.port'), crash: undefined }, file, 'logLevel'),
    ).toEqual({ refusedNamingTheField: 0, crashes: 0 });
    expect(
      countConfigCase(
        { error: refusal('/home/a/config.json', 'logLevel'), crash: undefined },
        file,
        'logLevel',
      ),
    ).toEqual({ refusedNamingTheField: 0, crashes: 0 });
    expect(countConfigCase({ error: undefined, crash: undefined }, file, 'logLevel')).toEqual({
      refusedNamingTheField: 0,
      crashes: 0,
    });
  });
});
