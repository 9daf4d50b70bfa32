import { describe, expect, it } from 'vitest';
import {
  ConfigSchema,
  uploadFragmentLimitBytes,
  uploadFragmentUnitBytes,
} from '../../../src/shared/config-schema.ts';
import { limitsOfSetting, unitOfSetting } from '../../../src/shared/config-units.ts';
import { describeAllowed, formatSetting } from '../../../src/shared/format/setting-entry.ts';
import { setAt, type ValuePath } from '../../../src/shared/value-paths.ts';

/** Whether the config schema takes `value` at `path` (in a config that is otherwise default). */
function schemaAccepts(path: ValuePath, value: number): boolean {
  const base = path[0] === 'folders' ? { folders: [{ id: 'office', path: '/srv/office' }] } : {};
  return ConfigSchema.safeParse(setAt(base, path, value)).success;
}

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
