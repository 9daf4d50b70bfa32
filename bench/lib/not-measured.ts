/**
 * Thrown by a figure that cannot be measured honestly here (no browser, no pinning it needs):
 * the report says "not measured" with this reason instead of a number.
 */
export class NotMeasuredError extends Error {
  readonly code = 'bench.not-measured';
}
