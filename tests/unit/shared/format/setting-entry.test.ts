import { describe, expect, it } from 'vitest';
import {
  ConfigSchema,
  uploadFragmentLimitBytes,
  uploadFragmentUnitBytes,
} from '../../../../src/shared/config-schema.ts';
import { limitsOfSetting, unitOfSetting } from '../../../../src/shared/config-units.ts';
import {
  describeAllowed,
  describeEntryProblem,
  formatSetting,
} from '../../../../src/shared/format/setting-entry.ts';
import { parseSize } from '../../../../src/shared/format/size.ts';
import { setAt, type ValuePath } from '../../../../src/shared/value-paths.ts';

/** Whether the config schema takes `value` at `path` (in a config that is otherwise default). */
function schemaAccepts(path: ValuePath, value: number): boolean {
  const base = path[0] === 'folders' ? { folders: [{ id: 'office', path: '/srv/office' }] } : {};
  return ConfigSchema.safeParse(setAt(base, path, value)).success;
}

const pollEvery: ValuePath = ['responses', 'pollIntervalMs'];
const chunkSize: ValuePath = ['delivery', 'chunkSizeBytes'];

describe('the limits of duration and size settings come from the config schema', () => {
  it.each([
    [['delivery', 'requestTimeoutMs'], 'duration'],
    [['delivery', 'retry', 'inProcessDelaysMs', 2], 'duration'],
    [['folders', 0, 'polling', 'intervalMs'], 'duration'],
    [['folders', 0, 'stabilityWindowMs'], 'duration'],
    [['delivery', 'simpleUploadMaxBytes'], 'size'],
    [['responses', 'maxSizeBytes'], 'size'],
    [['delivery', 'concurrency'], undefined],
  ] as const)('%j is a %s setting', (path, unit) => {
    expect(unitOfSetting(path)).toBe(unit);
  });

  it.each([
    ['delivery', 'requestTimeoutMs'],
    ['delivery', 'retry', 'maxAgeMs'],
    ['delivery', 'breaker', 'windowMs'],
    ['folders', 0, 'polling', 'intervalMs'],
    ['folders', 0, 'stabilityWindowMs'],
    ['responses', 'pollIntervalMs'],
    ['delivery', 'simpleUploadMaxBytes'],
  ])('%s.%s: the schema takes its least and most, and nothing beyond', (...path) => {
    const { minimum, maximum } = limitsOfSetting(path);
    if (minimum === undefined || maximum === undefined) throw new Error('no limits found');
    expect(schemaAccepts(path, minimum)).toBe(true);
    expect(schemaAccepts(path, maximum)).toBe(true);
    expect(schemaAccepts(path, minimum - 1)).toBe(false);
    expect(schemaAccepts(path, maximum + 1)).toBe(false);
  });

  it('reads the chunk size as a multiple of 320 KiB below 60 MiB, as the schema checks it', () => {
    expect(limitsOfSetting(chunkSize)).toEqual({
      minimum: uploadFragmentUnitBytes,
      exclusiveMaximum: uploadFragmentLimitBytes,
      multipleOf: uploadFragmentUnitBytes,
    });
    expect(describeAllowed('size', limitsOfSetting(chunkSize))).toBe(
      'a multiple of 320 KiB, from 320 KiB to under 60 MiB',
    );
  });

  it('reads the most entries of a list and the limits of each entry', () => {
    const path = ['delivery', 'retry', 'inProcessDelaysMs'];
    const { maxItems, maximum } = limitsOfSetting(path);
    expect(maxItems).toBeGreaterThan(0);
    expect(maximum).toBe(limitsOfSetting([...path, 0]).maximum);
    expect(
      ConfigSchema.safeParse({ delivery: { retry: { inProcessDelaysMs: [maximum] } } }).success,
    ).toBe(true);
  });

  it('says a size with no upper bound takes its least "or more"', () => {
    const limits = limitsOfSetting(['log', 'maxFileBytes']);
    expect(limits.maximum).toBe(undefined);
    expect(describeAllowed('size', limits)).toBe(
      `${formatSetting('size', limits.minimum ?? 0)} or more`,
    );
  });
});

describe('a typed duration or size that does not fit says why, after the field’s label', () => {
  const pollLimits = limitsOfSetting(pollEvery);
  const low = formatSetting('duration', pollLimits.minimum ?? Number.NaN);
  const high = formatSetting('duration', pollLimits.maximum ?? Number.NaN);

  it.each([
    ['5 ms', `is too short at 5 ms; use ${low} to ${high}`],
    ['2 days', `is too long at 2 days; use ${low} to ${high}`],
    ['90', `needs a unit, such as 90 s or 90 min: ${low} to ${high}`],
    ['', `must be filled in: ${low} to ${high}`],
    ['soon', 'must be a duration such as 90 s, 5 min or 1.5 h; “soon” is not one'],
  ])('Poll every: %j', (text, expected) => {
    expect(describeEntryProblem('duration', text, pollLimits)).toBe(expected);
  });

  it.each(['90 s', '15 s', '1 h', '1 min 30 s'])('Poll every: %j fits', (text) => {
    expect(describeEntryProblem('duration', text, pollLimits)).toBe(undefined);
  });

  it.each([
    ['1 MB', 'must be a multiple of 320 KiB; 1 MB is not: use 960 KiB or 1.25 MiB'],
    ['100 KiB', 'is too small at 100 KiB; use a multiple of 320 KiB, from 320 KiB to under 60 MiB'],
    ['60 MiB', 'is too large at 60 MiB; use a multiple of 320 KiB, from 320 KiB to under 60 MiB'],
    ['59.9 MiB', 'must be a multiple of 320 KiB; 59.9 MiB is not: use 61,120 KiB'],
    ['ten', 'must be a size such as 10 MiB or 500 KB; “ten” is not one'],
  ])('Upload chunk size: %j', (text, expected) => {
    expect(describeEntryProblem('size', text, limitsOfSetting(chunkSize))).toBe(expected);
  });

  it.each(['320 KiB', '10 MiB', '61,120 KiB', '1 MB', '60 MiB', '0 bytes', '59.9 MiB'])(
    'Upload chunk size: %j fits exactly when the schema takes it',
    (text) => {
      const reading = parseSize(text);
      if (!reading.ok) throw new Error(`${text} did not read`);
      const fits = describeEntryProblem('size', text, limitsOfSetting(chunkSize)) === undefined;
      expect(fits).toBe(schemaAccepts(chunkSize, reading.value));
    },
  );
});
