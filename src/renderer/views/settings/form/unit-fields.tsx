/**
 * Settings typed in human units: durations (`90 s`, `1.5 h`) and sizes (`10 MiB`, `500 KB`),
 * stored in the milliseconds and bytes the config keeps. What a field accepts comes from the
 * config schema (src/shared/config-units.ts); reading, writing and the problem sentences are
 * src/shared/format/'s. An entry is shown back in its normal form when the field is left
 * ("90 s" becomes "1 min 30 s").
 */
import { useEffect, useState } from 'react';
import {
  limitsOfSetting,
  unitOfSetting,
  type SettingLimits,
} from '../../../../shared/config-units.ts';
import {
  describeAllowed,
  describeEntryProblem,
  formatSetting,
  parseSetting,
  type SettingUnit,
} from '../../../../shared/format/setting-entry.ts';
import { parseFieldPath } from '../../../../shared/value-paths.ts';
import { TextField, type FieldFrame } from './settings-fields.tsx';

/** The unit and limits of a field, by its path (`folders[0].stabilityWindowMs`). */
function unitAndLimits(field: string): { unit: SettingUnit; limits: SettingLimits } {
  const path = parseFieldPath(field);
  return { unit: unitOfSetting(path) ?? 'duration', limits: limitsOfSetting(path) };
}

/** The hint, followed by what the field accepts: "… 1 s to 10 min." */
function hintWithAllowed(hint: string | undefined, allowed: string): string {
  const sentence = `${allowed.charAt(0).toUpperCase()}${allowed.slice(1)}.`;
  return hint === undefined ? sentence : `${hint} ${sentence}`;
}

/**
 * A duration or size setting; its unit is the one its field's key names (`…Ms`, `…Bytes`). An
 * entry that cannot be read puts NaN into the draft, so the form refuses to save it.
 */
export function UnitField(
  props: Omit<FieldFrame, 'hint'> & {
    hint?: string;
    value: number;
    onChange(value: number): void;
  },
) {
  const { value, onChange, hint, problem, ...frame } = props;
  const { unit, limits } = unitAndLimits(props.field);
  const written = Number.isFinite(value) ? formatSetting(unit, value) : '';
  const [text, setText] = useState(written);
  const [isTyped, setIsTyped] = useState(false);
  useEffect(() => {
    // A value set from outside (undo, a save) replaces the entry; one typed here stays as typed.
    setText((current) => (Object.is(readValue(unit, current), value) ? current : written));
  }, [unit, value, written]);
  const entryProblem = isTyped ? describeEntryProblem(unit, text, limits) : undefined;
  return (
    <div
      className="unit-field"
      onBlur={() => {
        const reading = parseSetting(unit, text);
        if (reading.ok) setText(formatSetting(unit, reading.value));
      }}
    >
      <TextField
        {...frame}
        hint={hintWithAllowed(hint, describeAllowed(unit, limits))}
        problem={entryProblem ?? problem}
        value={text}
        onChange={(next) => {
          setText(next);
          setIsTyped(true);
          onChange(readValue(unit, next));
        }}
      />
    </div>
  );
}

/** A typed entry's value, or NaN when it cannot be read. */
function readValue(unit: SettingUnit, text: string): number {
  const reading = parseSetting(unit, text);
  return reading.ok ? reading.value : Number.NaN;
}

/** A list of durations typed as "1 s, 2 s, 4 s" (separated by commas or semicolons). */
export function DurationListField(
  props: Omit<FieldFrame, 'hint'> & {
    hint?: string;
    value: readonly number[];
    onChange(value: number[]): void;
  },
) {
  const { value, onChange, hint, problem, ...frame } = props;
  const { limits } = unitAndLimits(props.field);
  const written = value.map((entry) => formatSetting('duration', entry)).join(', ');
  const [text, setText] = useState(written);
  const [isTyped, setIsTyped] = useState(false);
  useEffect(() => {
    setText((current) => (sameNumbers(readList(current), value) ? current : written));
  }, [value, written]);
  const entryProblem = isTyped
    ? splitList(text)
        .map((entry) => describeEntryProblem('duration', entry, limits))
        .find((found) => found !== undefined)
    : undefined;
  const most = limits.maxItems === undefined ? '' : `, at most ${limits.maxItems}`;
  return (
    <div
      className="unit-field"
      onBlur={() => {
        const entries = readList(text);
        if (entries.every(Number.isFinite)) setText(written);
      }}
    >
      <TextField
        {...frame}
        hint={hintWithAllowed(hint, `each ${describeAllowed('duration', limits)}${most}`)}
        problem={entryProblem ?? problem}
        value={text}
        onChange={(next) => {
          setText(next);
          setIsTyped(true);
          onChange(readList(next));
        }}
      />
    </div>
  );
}

function splitList(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function readList(text: string): number[] {
  return splitList(text).map((entry) => readValue('duration', entry));
}

function sameNumbers(left: readonly number[], right: readonly number[]): boolean {
  return (
    left.length === right.length && left.every((entry, index) => Object.is(entry, right[index]))
  );
}
