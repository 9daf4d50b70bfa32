/**
 * How a count of files reads, in the window and in `sitedrop status` alike: with the reader's
 * thousands separators (1,234). Pure: no Node, no DOM.
 */

// Made once: building an Intl formatter per call costs a fraction of a millisecond, which adds
// up over the rows of a long list.
const counts = new Intl.NumberFormat();

/** A count with thousands separators. */
export function formatCount(count: number): string {
  return counts.format(count);
}
