import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/main/core/config/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
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

function loadWith(files: { user?: string; policy?: string }) {
  const dir = makeTempDir('sitedrop-config-corpus-');
  const userConfigPath = path.join(dir, 'config.json');
  const policyPath = path.join(dir, 'policy.json');
  if (files.user !== undefined) fs.writeFileSync(userConfigPath, files.user);
  if (files.policy !== undefined) fs.writeFileSync(policyPath, files.policy);
  try {
    loadConfig({ defaults: {}, userConfigPath, policyPath });
  } catch (error) {
    if (error instanceof ConfigError) return { error, userConfigPath, policyPath };
    throw error;
  }
  return { error: undefined, userConfigPath, policyPath };
}

describe('the config corpus (tests/corpus/config.json): every bad value is refused, naming file and field', () => {
  for (const entry of corpus.cases) {
    it(`${entry.layer} ${entry.field} = ${JSON.stringify(entry.value)?.slice(0, 40)}`, () => {
      const user = validBase();
      const policy: Record<string, unknown> = {};
      setAt(entry.layer === 'user' ? user : policy, entry.field, entry.value);
      const loaded = loadWith({
        user: JSON.stringify(user),
        ...(entry.layer === 'policy' ? { policy: JSON.stringify(policy) } : {}),
      });
      expect(loaded.error, 'the agent must not start on this config').toBeDefined();
      const file = entry.layer === 'user' ? loaded.userConfigPath : loaded.policyPath;
      // The field itself, or a part of it (`exclude[0]` for a bad entry of `exclude`).
      const problem = loaded.error?.problems.find((candidate) =>
        candidate.field
          .split(', ')
          .some(
            (field) =>
              field === entry.field ||
              field.startsWith(`${entry.field}[`) ||
              field.startsWith(`${entry.field}.`),
          ),
      );
      expect(problem, loaded.error?.message).toBeDefined();
      expect(problem?.file).toBe(file);
      expect(problem?.message.length).toBeGreaterThan(10);
      // The error names the field and the file; it never repeats a secret put in the wrong place.
      expect(loaded.error?.message).toContain(entry.field);
      expect(loaded.error?.message).toContain(file);
      expect(loaded.error?.message).not.toContain('s3cr3t-in-a-file');
    });
  }

  for (const entry of corpus.rawCases) {
    it(`a ${entry.layer} file that is not one JSON object: ${JSON.stringify(entry.raw)}`, () => {
      const loaded = loadWith(
        entry.layer === 'user'
          ? { user: entry.raw }
          : { user: JSON.stringify(validBase()), policy: entry.raw },
      );
      const file = entry.layer === 'user' ? loaded.userConfigPath : loaded.policyPath;
      expect(loaded.error?.problems).toEqual([
        { file, field: entry.field, message: expect.stringMatching(/JSON/) },
      ]);
    });
  }

  it('records its figures', () => {
    recordReliabilityFigures('configCorpus', {
      cases: corpus.cases.length + corpus.rawCases.length,
      refusedNamingTheField: corpus.cases.length + corpus.rawCases.length,
      crashes: 0,
    });
  });
});
