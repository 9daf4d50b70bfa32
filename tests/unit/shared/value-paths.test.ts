import { describe, expect, it } from 'vitest';
import {
  formatFieldPath,
  isPlainObject,
  leafPaths,
  valueAt,
} from '../../../src/shared/value-paths.ts';

describe('value paths', () => {
  const value = { parts: [{ quantity: 0 }], site: { name: 'North Yard', tags: [] }, empty: {} };

  it('finds a value by keys and indexes, and nothing where the path leads nowhere', () => {
    expect(valueAt(value, ['parts', 0, 'quantity'])).toBe(0);
    expect(valueAt(value, ['site', 'name', 'length', 'x'])).toBeUndefined();
    expect(valueAt(value, ['missing', 'deeper'])).toBeUndefined();
  });

  it('writes a path as people read it', () => {
    expect(formatFieldPath(['parts', 0, 'quantity'])).toBe('parts[0].quantity');
    expect(formatFieldPath([])).toBe('(top level)');
  });

  it('lists the leaves of an object, arrays and empty objects included', () => {
    expect(leafPaths(value)).toEqual(['parts', 'site.name', 'site.tags', 'empty']);
    expect([isPlainObject({}), isPlainObject([]), isPlainObject(null)]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
