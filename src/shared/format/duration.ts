/**
 * How a duration setting reads and is typed, in the window and the CLI alike: `2 s`, `5 min`,
 * `1 min 30 s`, `7 days`. Settings store milliseconds (`…Ms` keys); people never see them.
 * Pure: no Node, no DOM.
 *
 * One rule: the largest units first (days, h, min, s), each part a whole number, except that the
 * seconds carry a fraction (`0.1 s`, `1.5 s`). Every whole number of milliseconds has exactly one
 * such text, and reading it back gives the same number.
 */

const second = 1_000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/** Unit words people type, lower-case, to milliseconds. */
const durationUnits: Readonly<Record<string, number>> = {
  ms: 1,
  msec: 1,
  millisecond: 1,
  milliseconds: 1,
  s: second,
  sec: second,
  secs: second,
  second: second,
  seconds: second,
  m: minute,
  min: minute,
  mins: minute,
  minute: minute,
  minutes: minute,
  h: hour,
  hr: hour,
  hrs: hour,
  hour: hour,
  hours: hour,
  d: day,
  day: day,
  days: day,
  w: 7 * day,
  week: 7 * day,
  weeks: 7 * day,
};

/** Why a typed entry is not a value: nothing typed, a number without a unit, or unreadable. */
export type EntryFault = 'empty' | 'no-unit' | 'unreadable';

/** A typed entry read: its value, or why it has none. */
export type EntryReading = { ok: true; value: number } | { ok: false; fault: EntryFault };

/** A duration for a settings field: `0 s`, `0.1 s`, `2 s`, `1 min 30 s`, `1 h`, `7 days`. */
export function formatDuration(durationMs: number): string {
  if (!Number.isFinite(durationMs)) return String(durationMs);
  const sign = durationMs < 0 ? '-' : '';
  let rest = Math.round(Math.abs(durationMs));
  const parts: string[] = [];
  const days = Math.floor(rest / day);
  rest -= days * day;
  if (days > 0) parts.push(`${days} ${days === 1 ? 'day' : 'days'}`);
  for (const [size, word] of [
    [hour, 'h'],
    [minute, 'min'],
  ] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${word}`);
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest / second} s`);
  return sign + parts.join(' ');
}

/**
 * Reads a typed duration: one or more parts of a number and a unit (`90 s`, `1.5 h`,
 * `1 min 30 s`, `1h30m`, `250 ms`), in any case, rounded to whole milliseconds. A number alone
 * is refused: "90" could be seconds or minutes.
 */
export function parseDuration(text: string): EntryReading {
  const entry = text.trim().toLowerCase();
  if (entry === '') return { ok: false, fault: 'empty' };
  if (/^\d+(\.\d+)?$/.test(entry)) return { ok: false, fault: 'no-unit' };
  const part = /(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)[\s,]*/gy;
  let total = 0;
  let end = 0;
  for (let match = part.exec(entry); match !== null; match = part.exec(entry)) {
    const unit = durationUnits[match[2] ?? ''];
    if (unit === undefined) return { ok: false, fault: 'unreadable' };
    total += Number(match[1]) * unit;
    end = part.lastIndex;
  }
  if (end !== entry.length) return { ok: false, fault: 'unreadable' };
  return { ok: true, value: Math.round(total) };
}
