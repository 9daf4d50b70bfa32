/**
 * Walking plain JSON values by field path: the one implementation that config loading, saving
 * settings and request validation share. Pure: no Node, no DOM.
 */

/** Whether a value is a plain object (not null, not an array): a JSON `{ … }`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value at a path of keys and array indexes, or undefined when the path leads nowhere. */
export function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
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
 * The dotted paths of every leaf of a plain object: a value that is not a plain object, or an
 * empty one (`{a: {b: 1, c: []}}` → `a.b`, `a.c`). Arrays are leaves.
 */
export function leafPaths(values: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const field = prefix ? `${prefix}.${key}` : key;
    return isPlainObject(value) && Object.keys(value).length > 0
      ? leafPaths(value, field)
      : [field];
  });
}
