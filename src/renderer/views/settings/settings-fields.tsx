/**
 * The settings form's fields: a label, the control, a hint, the field's problem (announced and
 * tied to the control with aria-describedby) and, for a field the policy sets, a read-only
 * control with the reason.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';

/** What every field shows besides its control. */
export interface FieldFrame {
  label: string;
  /** The agent's name for it, e.g. `sharepoint.siteUrl` (used as data-field for tests). */
  field: string;
  hint?: ReactNode;
  problem?: string | undefined;
  /** The reason when the policy sets this field; the control is then read-only. */
  lockedReason?: string | undefined;
}

function Frame(
  props: FieldFrame & { children: (ids: { control: string; described: string }) => ReactNode },
) {
  const id = useId();
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  const lockId = `${id}-lock`;
  const described = [
    props.hint ? hintId : '',
    props.lockedReason ? lockId : '',
    props.problem ? problemId : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field${props.problem ? ' has-problem' : ''}`} data-field={props.field}>
      <label htmlFor={id}>
        {props.label}
        {props.lockedReason ? <span className="lock-tag"> (locked)</span> : null}
      </label>
      {props.children({ control: id, described })}
      {props.hint ? (
        <div id={hintId} className="hint">
          {props.hint}
        </div>
      ) : null}
      {props.lockedReason ? (
        <div id={lockId} className="hint lock-reason">
          <span aria-hidden="true">🔒 </span>
          {props.lockedReason}
        </div>
      ) : null}
      {props.problem ? (
        <div id={problemId} className="problem-text" role="alert">
          {props.label} {props.problem}.
        </div>
      ) : null}
    </div>
  );
}

/** A one-line text (or number, url, password) field. */
export function TextField(
  props: FieldFrame & {
    value: string;
    onChange(value: string): void;
    type?: 'text' | 'url' | 'number' | 'password';
    placeholder?: string;
    autoComplete?: string;
  },
) {
  return (
    <Frame {...props}>
      {(ids) => (
        <input
          id={ids.control}
          type={props.type ?? 'text'}
          value={props.value}
          placeholder={props.placeholder}
          readOnly={props.lockedReason !== undefined}
          aria-readonly={props.lockedReason !== undefined ? true : undefined}
          aria-invalid={props.problem ? true : undefined}
          aria-describedby={ids.described || undefined}
          autoComplete={props.autoComplete ?? 'off'}
          spellCheck={false}
          onChange={(event) => props.onChange(event.target.value)}
        />
      )}
    </Frame>
  );
}

/** A multi-line field, one entry per line (empty lines are dropped). */
export function LinesField(
  props: FieldFrame & { value: readonly string[]; onChange(value: string[]): void },
) {
  const joined = props.value.join('\n');
  const [text, setText] = useState(joined);
  useEffect(() => {
    setText((current) => (toLines(current).join('\n') === joined ? current : joined));
  }, [joined]);
  return (
    <Frame {...props}>
      {(ids) => (
        <textarea
          id={ids.control}
          rows={3}
          value={text}
          readOnly={props.lockedReason !== undefined}
          aria-invalid={props.problem ? true : undefined}
          aria-describedby={ids.described || undefined}
          spellCheck={false}
          onChange={(event) => {
            setText(event.target.value);
            props.onChange(toLines(event.target.value));
          }}
        />
      )}
    </Frame>
  );
}

function toLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A choice among a few values. */
export function SelectField<T extends string>(
  props: FieldFrame & {
    value: T;
    options: readonly { value: T; label: string }[];
    onChange(value: T): void;
  },
) {
  const isLocked = props.lockedReason !== undefined;
  return (
    <Frame {...props}>
      {(ids) => (
        <select
          id={ids.control}
          value={props.value}
          aria-invalid={props.problem ? true : undefined}
          aria-describedby={ids.described || undefined}
          aria-readonly={isLocked ? true : undefined}
          disabled={isLocked}
          onChange={(event) => props.onChange(event.target.value as T)}
        >
          {props.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Frame>
  );
}
