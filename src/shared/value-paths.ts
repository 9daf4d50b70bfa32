/**
 * Walking plain JSON values by field path: the one implementation that config loading, saving
 * settings, the settings form, column templates and request validation share. Pure: no Node,
 * no DOM.
 *
 * Paths come from files and frames that people and programs write, so a key that reaches an
 * object's prototype (`__proto__`, `constructor`, `prototype`) is never walked or written: read,
 * it leads nowhere; written, it is refused; merged, it is left out. Only a value's own
 * properties are walked, so `toString` or `hasOwnProperty` lead nowhere too.
 */

/** A path of object keys and array indexes: `['folders', 0, 'path']`. */
export type ValuePath = readonly (string | number)[];

/** Keys that reach an object's prototype instead of its data. */
const prototypeKeys: ReadonlySet<PropertyKey> = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether a key reaches an object's prototype (`__proto__`, `constructor`, `prototype`). */
export function isPrototypeKey(key: PropertyKey): boolean {
  return prototypeKeys.has(key);
}

/** Whether a value is a plain object (not null, not an array): a JSON `{ … }`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The value at a path of keys and array indexes, or undefined when the path leads nowhere: a
 * missing key, a value that is not an object or array, or a prototype key on the way.
 */
export function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || isPrototypeKey(segment)) {
      return undefined;
    }
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/**
 * A copy of `root` with the value at `segments` replaced; `undefined` removes an object's key.
 * Objects and arrays on the way are copied, missing ones made (an array where the next segment
 * is an index); nothing of `root` is changed.
 *
 * @throws RangeError when the path holds a prototype key: such a write would change an
 *   object's prototype, not its data.
 */
export function setAt<T>(root: T, segments: ValuePath, next: unknown): T {
  const prototypeKey = segments.find(isPrototypeKey);
  if (prototypeKey !== undefined) {
    throw new RangeError(
      `The field path ${formatFieldPath(segments)} names "${prototypeKey}", which is not a field`,
    );
  }
  return replaceAt(root, segments, next) as T;
}

function replaceAt(value: unknown, segments: ValuePath, next: unknown): unknown {
  if (segments.length === 0) return next;
  const [head, ...rest] = segments as [string | number, ...(string | number)[]];
  const container = (
    Array.isArray(value) ? [...(value as unknown[])] : { ...(isPlainObject(value) ? value : {}) }
  ) as Record<string | number, unknown>;
  const child = Object.hasOwn(container, head) ? container[head] : undefined;
  const updated = replaceAt(child ?? (typeof rest[0] === 'number' ? [] : {}), rest, next);
  if (updated === undefined && !Array.isArray(container)) delete container[head];
  else container[head] = updated;
  return container;
}

/** A field path as people read it: `parts[0].quantity`; `(top level)` for the root. */
export function formatFieldPath(segments: readonly PropertyKey[]): string {
  if (segments.length === 0) return '(top level)';
  return segments
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/**
 * The segments of a field path as formatFieldPath writes it or as a dotted path names it:
 * `folders[0].path` and `folders.0.path` → `['folders', 0, 'path']`; `sharepoint.siteUrl` →
 * `['sharepoint', 'siteUrl']`.
 */
export function parseFieldPath(field: string): (string | number)[] {
  if (field === '') return [];
  return field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

/**
 * Whether a field is set by the managed policy: it, or an object above it, is one of the
 * policy's leaf paths (leafPaths). Fields may be dotted or bracketed (`folders[0].path`).
 */
export function isFieldLocked(lockedFields: readonly string[], field: string): boolean {
  const dotted = parseFieldPath(field).join('.');
  return lockedFields.some((locked) => dotted === locked || dotted.startsWith(`${locked}.`));
}

/**
 * The dotted paths of every leaf of a plain object: a value that is not a plain object, or an
 * empty one (`{a: {b: 1, c: []}}` → `a.b`, `a.c`). Arrays are leaves; prototype keys are left out.
 */
export function leafPaths(values: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    if (isPrototypeKey(key)) return [];
    const field = prefix ? `${prefix}.${key}` : key;
    return isPlainObject(value) && Object.keys(value).length > 0
      ? leafPaths(value, field)
      : [field];
  });
}
