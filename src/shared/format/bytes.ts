/**
 * How a size reads, in the window and in `sitedrop status` alike: decimal units as SharePoint
 * and file managers show them (1 kB = 1,000 bytes; 28.6 MB), at most one decimal, in the
 * reader's locale (`Intl.NumberFormat` unit style). Pure: no Node, no DOM.
 */

const decimalUnits = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

// Formatters are made once per locale and unit: building one costs a fraction of a
// millisecond, which adds up over the rows of a long list.
const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(locale: string | undefined, unit: string): Intl.NumberFormat {
  const key = `${locale ?? ''}|${unit}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat(locale, {
      style: 'unit',
      unit,
      // "byte" has no short plural in English ("5 byte"); the long form reads "5 bytes".
      unitDisplay: unit === 'byte' ? 'long' : 'short',
      maximumFractionDigits: 1,
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * A byte count for people: `0 bytes`, `1 byte`, `999 bytes`, `1.2 kB`, `28.6 MB`, `30 MB`,
 * `1.2 GB`.
 *
 * @param locale a BCP 47 tag; the runtime's default (the browser's, or the process's) when left
 *   out, so the window and the CLI agree on one machine.
 */
export function formatBytes(sizeBytes: number, locale?: string): string {
  if (!Number.isFinite(sizeBytes)) return formatterFor(locale, 'byte').format(Number.NaN);
  if (Math.abs(sizeBytes) < 1000) return formatterFor(locale, 'byte').format(sizeBytes);
  let value = sizeBytes / 1000;
  let unit = 0;
  // Move up a unit when the value would print as 1,000 or more once rounded (999,950 bytes is
  // 1 MB, not 1,000 kB).
  while (Math.round(Math.abs(value) * 10) / 10 >= 1000 && unit < decimalUnits.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return formatterFor(locale, decimalUnits[unit] ?? 'petabyte').format(value);
}
