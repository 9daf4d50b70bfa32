import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../../src/shared/config-schema.ts';
import { limitsOfSetting } from '../../../../src/shared/config-units.ts';
import {
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
