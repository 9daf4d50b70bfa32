/**
 * How a size setting reads and is typed: `10 MiB`, `320 KiB`, `250 MB`. Settings store bytes
 * (`…Bytes` keys); people never see a bare byte count. Pure: no Node, no DOM.
 *
 * Binary units (KiB = 1,024 bytes) and decimal ones (kB = KB = 1,000 bytes) are both read, as
 * people meet both. A size is written in the largest unit that shows it exactly with at most two
 * decimals, so reading the text back gives the same number of bytes: 10,485,760 is `10 MiB`,
 * 250,000,000 is `250 MB`, 1,536 is `1.5 KiB`. File sizes in lists read in decimal units with
 * one rounded decimal instead (`bytes.ts`): they are read, not typed back.
 */
import type { EntryReading } from './duration.ts';

const kibi = 1_024;
const kilo = 1_000;

/** Units from the largest down; the first that shows a size exactly is the one written. */
const writtenUnits = [
  ['TiB', kibi ** 4],
  ['TB', kilo ** 4],
  ['GiB', kibi ** 3],
  ['GB', kilo ** 3],
  ['MiB', kibi ** 2],
  ['MB', kilo ** 2],
  ['KiB', kibi],
  ['kB', kilo],
] as const;

/** Unit words people type, lower-case, to bytes. */
const sizeUnits: Readonly<Record<string, number>> = {
  b: 1,
  byte: 1,
  bytes: 1,
  ...Object.fromEntries(
    writtenUnits.flatMap(([word, size]) => [
      [word.toLowerCase(), size],
      // "10 M" and "10 Mi" read as the unit they begin.
      [word.toLowerCase().replace(/b$/, ''), size],
    ]),
  ),
};

// Fixed to English digits so that what is written is what parseSize reads back.
const numbers = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A size for a settings field: `0 bytes`, `1 byte`, `64 KiB`, `10 MiB`, `250 MB`, `2 GiB`. */
export function formatSize(sizeBytes: number): string {
  if (!Number.isFinite(sizeBytes)) return String(sizeBytes);
  const bytes = Math.round(sizeBytes);
  for (const [word, size] of writtenUnits) {
    if (Math.abs(bytes) >= size && (bytes * 100) % size === 0) {
      return `${numbers.format(bytes / size)} ${word}`;
    }
  }
  return `${numbers.format(bytes)} ${Math.abs(bytes) === 1 ? 'byte' : 'bytes'}`;
}

/**
 * Reads a typed size: a number (thousands may be grouped with commas) and a unit, `10 MiB`,
 * `500 KB`, `1.5 GiB`, `327680 bytes`, in any case, rounded to whole bytes. A number alone is
 * refused: it could be bytes or megabytes.
 */
export function parseSize(text: string): EntryReading {
  const entry = text.trim().toLowerCase();
  if (entry === '') return { ok: false, fault: 'empty' };
  const match = /^(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/.exec(entry);
  if (match === null) return { ok: false, fault: 'unreadable' };
  const [, number = '', word = ''] = match;
  if (word === '') return { ok: false, fault: 'no-unit' };
  const unit = sizeUnits[word];
  if (unit === undefined) return { ok: false, fault: 'unreadable' };
  return { ok: true, value: Math.round(Number(number.replaceAll(',', '')) * unit) };
}
