/**
 * The activity list's rows have a fixed height in rem, so the virtualizer never measures a row
 * (no layout read per row while scrolling) and the rows still grow with the root font size and
 * at 200% zoom. Below 56 rem of width a row stacks into more lines (styles.css), so it is taller.
 */

/** The width below which a row stacks (the same query as in styles.css). */
export const stackedRowQuery = '(max-width: 56rem)';

/** Row heights in rem: side by side, and stacked. */
export const rowHeightRem = { wide: 5.5, stacked: 7 } as const;

/** A row's height in CSS pixels for the root font size (px) and the layout. */
export function rowHeightPx(rootFontSizePx: number, isStacked: boolean): number {
  const fontSize = Number.isFinite(rootFontSizePx) && rootFontSizePx > 0 ? rootFontSizePx : 16;
  return fontSize * (isStacked ? rowHeightRem.stacked : rowHeightRem.wide);
}
