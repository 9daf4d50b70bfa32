import { describe, expect, it } from 'vitest';
import {
  formatFieldPath,
  isFieldLocked,
  isPlainObject,
  leafPaths,
  parseFieldPath,
  setAt,
  valueAt,
} from '../../../src/shared/value-paths.ts';

/** A value as a file or a frame brings it: JSON.parse makes `__proto__` an own key. */
const parsed = JSON.parse(
  '{"parts": [{"quantity": 0}, {"quantity": 3}], "site": {"name": "North Yard", "tags": []},' +
    ' "empty": {}, "__proto__": {"isAdmin": true}, "nothing": null}',
) as Record<string, unknown>;

describe('value paths', () => {
  it.each([
    ['a nested key', ['site', 'name'], 'North Yard'],
    ['an array item by index', ['parts', 1, 'quantity'], 3],
    ['a zero that is there', ['parts', 0, 'quantity'], 0],
    ['an index given as text', ['parts', '1', 'quantity'], 3],
    ['an empty array', ['site', 'tags'], []],
    ['the root', [], parsed],
    ['a null leaf', ['nothing'], null],
    ['a missing key', ['missing'], undefined],
    ['a missing key under a missing key', ['missing', 'deeper'], undefined],
    ['an index past the end', ['parts', 5, 'quantity'], undefined],
    ['a key below a string', ['site', 'name', 'length'], undefined],
    ['a key below null', ['nothing', 'x'], undefined],
    ['a parsed __proto__ key', ['__proto__', 'isAdmin'], undefined],
    ['constructor', ['constructor'], undefined],
    ['constructor.prototype', ['site', 'constructor', 'prototype'], undefined],
    ['an inherited method', ['site', 'toString'], undefined],
    ['an inherited method of an array', ['parts', 'map'], undefined],
  ])('valueAt finds %s', (_name, path, expected) => {
    expect(valueAt(parsed, path)).toEqual(expected);
  });

  it.each([
    ['a nested key', { a: { b: 1 } }, ['a', 'b'], 2, { a: { b: 2 } }],
    ['a new nested key', {}, ['a', 'b'], 2, { a: { b: 2 } }],
    ['an array item', { a: [1, 2] }, ['a', 1], 5, { a: [1, 5] }],
    ['a new array by an index', {}, ['a', 0, 'b'], 1, { a: [{ b: 1 }] }],
    ['a removal by undefined', { a: { b: 1, c: 2 } }, ['a', 'b'], undefined, { a: { c: 2 } }],
    ['the root', { a: 1 }, [], 'x', 'x'],
  ])('setAt writes %s and leaves the original as it was', (_name, root, path, next, expected) => {
    const before = JSON.stringify(root);
    expect(setAt(root, path, next)).toEqual(expected);
    expect(JSON.stringify(root)).toBe(before);
  });

  it.each([['__proto__'], ['constructor'], ['prototype']])(
    'setAt refuses to write through %s, and no prototype changes',
    (key) => {
      const root = { a: {} };
      expect(() => setAt(root, ['a', key, 'isAdmin'], true)).toThrow(RangeError);
      expect(() => setAt(root, [key], { isAdmin: true })).toThrow(/not a field/);
      expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
      expect(Object.getPrototypeOf(root.a)).toBe(Object.prototype);
    },
  );

  it.each([
    [['parts', 0, 'quantity'], 'parts[0].quantity'],
    [['sharepoint', 'siteUrl'], 'sharepoint.siteUrl'],
    [[], '(top level)'],
  ])('writes the path %j as people read it: %s', (segments, text) => {
    expect(formatFieldPath(segments)).toBe(text);
    if (segments.length > 0) expect(parseFieldPath(text)).toEqual(segments);
  });

  it('reads a dotted path with indexes as the bracketed one', () => {
    expect(parseFieldPath('folders.0.path')).toEqual(['folders', 0, 'path']);
    expect(parseFieldPath('a.01')).toEqual(['a', '01']);
  });

  it.each([
    [['sharepoint'], 'sharepoint.siteUrl', true],
    [['folders'], 'folders[0].path', true],
    [['folders'], 'folders.0.path', true],
    [['auth.clientId'], 'auth.clientId', true],
    [['auth.clientId'], 'auth.tenantId', false],
    [['sharepoint.site'], 'sharepoint.siteUrl', false],
    [[], 'sharepoint', false],
  ])('with %j locked, %s is locked: %s', (locked, field, expected) => {
    expect(isFieldLocked(locked, field)).toBe(expected);
  });

  it('lists the leaves of an object, arrays and empty objects included, prototype keys not', () => {
    expect(leafPaths(parsed)).toEqual(['parts', 'site.name', 'site.tags', 'empty', 'nothing']);
    expect([isPlainObject({}), isPlainObject([]), isPlainObject(null)]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
