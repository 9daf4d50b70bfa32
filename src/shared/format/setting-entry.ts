/**
 * Typed duration and size settings, checked against their limits: what a field accepts, and
 * the phrase that follows the field's label when an entry does not fit ("Request timeout is too
 * short at 5 ms; use 1 s to 10 min."). Used by the settings form for what is typed and for the
 * draft it validates, so both say the same. Pure: no Node, no DOM.
 */
import { formatDuration, parseDuration, type EntryReading } from './duration.ts';
import { formatSize, parseSize } from './size.ts';

/** The unit family of a setting: durations stored in milliseconds, sizes in bytes. */
export type SettingUnit = 'duration' | 'size';

/** A number setting's limits, as JSON Schema words them (taken from the config schema). */
export interface NumberLimits {
  minimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
}

const units = {
  duration: {
    format: formatDuration,
    parse: parseDuration,
    what: 'a duration such as 90 s, 5 min or 1.5 h',
    units: ['s', 'min'],
    small: 'short',
    large: 'long',
  },
  size: {
    format: formatSize,
    parse: parseSize,
    what: 'a size such as 10 MiB or 500 KB',
    units: ['KiB', 'MiB'],
    small: 'small',
    large: 'large',
  },
} as const;

/** A stored value written in its unit: `1 min 30 s`, `10 MiB`. */
export function formatSetting(unit: SettingUnit, value: number): string {
  return units[unit].format(value);
}

/** Reads a typed entry in the unit's words (see parseDuration, parseSize). */
export function parseSetting(unit: SettingUnit, text: string): EntryReading {
  return units[unit].parse(text);
}

/**
 * What a field accepts, as a phrase: `1 s to 10 min`, `64 KiB or more`,
 * `a multiple of 320 KiB, from 320 KiB to under 60 MiB`.
 */
export function describeAllowed(unit: SettingUnit, limits: NumberLimits): string {
  const write = units[unit].format;
  const { minimum, maximum, exclusiveMaximum, multipleOf } = limits;
  const step = multipleOf === undefined ? '' : `a multiple of ${write(multipleOf)}, `;
  const from = step === '' ? '' : 'from ';
  const low = write(minimum ?? 0);
  if (maximum !== undefined) return `${step}${from}${low} to ${write(maximum)}`;
  if (exclusiveMaximum !== undefined) {
    return `${step}${from}${low} to under ${write(exclusiveMaximum)}`;
  }
  return `${step}${low} or more`;
}

/**
 * Why a typed entry does not fit, as a phrase after the field's label, or undefined when it
 * fits. The entry is quoted as typed, so the person sees what was read.
 */
export function describeEntryProblem(
  unit: SettingUnit,
  text: string,
  limits: NumberLimits,
): string | undefined {
  const reading = units[unit].parse(text);
  if (reading.ok) return describeValueProblem(unit, reading.value, limits, text.trim());
  const allowed = describeAllowed(unit, limits);
  if (reading.fault === 'empty') return `must be filled in: ${allowed}`;
  if (reading.fault === 'no-unit') {
    const number = text.trim();
    const [first, second] = units[unit].units;
    return `needs a unit, such as ${number} ${first} or ${number} ${second}: ${allowed}`;
  }
  return `must be ${units[unit].what}; “${text.trim()}” is not one`;
}

/**
 * Why a stored value does not fit its limits, as a phrase after the field's label, or undefined
 * when it fits; `shownAs` is how the value reads in the message (by default, written in its
 * unit).
 */
export function describeValueProblem(
  unit: SettingUnit,
  value: number,
  limits: NumberLimits,
  shownAs: string = Number.isFinite(value) ? units[unit].format(value) : '',
): string | undefined {
  const words = units[unit];
  const allowed = describeAllowed(unit, limits);
  if (!Number.isFinite(value)) return `must be ${words.what}: ${allowed}`;
  if (limits.minimum !== undefined && value < limits.minimum) {
    return `is too ${words.small} at ${shownAs}; use ${allowed}`;
  }
  const isTooLarge =
    (limits.maximum !== undefined && value > limits.maximum) ||
    (limits.exclusiveMaximum !== undefined && value >= limits.exclusiveMaximum);
  if (isTooLarge) return `is too ${words.large} at ${shownAs}; use ${allowed}`;
  const step = limits.multipleOf;
  if (step !== undefined && value % step !== 0) {
    const below = Math.floor(value / step) * step;
    const nearest = [below, below + step]
      .filter((candidate) => describeValueProblem(unit, candidate, limits) === undefined)
      .map((candidate) => words.format(candidate));
    const suggestion = nearest.length > 0 ? `: use ${nearest.join(' or ')}` : '';
    return `must be a multiple of ${words.format(step)}; ${shownAs} is not${suggestion}`;
  }
  return undefined;
}
