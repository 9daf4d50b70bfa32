/**
 * The settings form's fields: a label, the control, a hint, the field's problem (tied to the
 * control with aria-describedby, and announced when the field is left) and, for a field the
 * policy sets, a read-only control with the reason.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import { useFieldAnnouncement } from './field-announcer.tsx';

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
  const announceProblem = useFieldAnnouncement(props.field, props.label, props.problem);
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
    <div
      className={`field${props.problem ? ' has-problem' : ''}`}
      data-field={props.field}
      onBlur={announceProblem}
    >
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
        <div id={problemId} className="problem-text">
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

/**
 * A whole or decimal number; an empty or unreadable entry becomes NaN, which the schema refuses
 * with "must be a number" (so the person sees why nothing was saved).
 */
export function NumberField(
  props: FieldFrame & { value: number; onChange(value: number): void; placeholder?: string },
) {
  const { value, onChange, ...rest } = props;
  return (
    <TextField
      {...rest}
      type="number"
      value={Number.isNaN(value) ? '' : String(value)}
      onChange={(text) => onChange(text.trim() === '' ? Number.NaN : Number(text))}
    />
  );
}

/** An on/off setting. */
export function CheckboxField(
  props: Omit<FieldFrame, 'problem'> & {
    value: boolean;
    onChange(value: boolean): void;
    problem?: string | undefined;
  },
) {
  const id = useId();
  const announceProblem = useFieldAnnouncement(props.field, props.label, props.problem);
  const hintId = `${id}-hint`;
  const lockId = `${id}-lock`;
  const isLocked = props.lockedReason !== undefined;
  const described = [props.hint ? hintId : '', isLocked ? lockId : ''].filter(Boolean).join(' ');
  return (
    <div className="field checkbox-field" data-field={props.field} onBlur={announceProblem}>
      <label htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={props.value}
          disabled={isLocked}
          aria-readonly={isLocked ? true : undefined}
          aria-describedby={described || undefined}
          onChange={(event) => props.onChange(event.target.checked)}
        />{' '}
        {props.label}
        {isLocked ? <span className="lock-tag"> (locked)</span> : null}
      </label>
      {props.hint ? (
        <div id={hintId} className="hint">
          {props.hint}
        </div>
      ) : null}
      {isLocked ? (
        <div id={lockId} className="hint lock-reason">
          <span aria-hidden="true">🔒 </span>
          {props.lockedReason}
        </div>
      ) : null}
      {props.problem ? (
        <div className="problem-text">
          {props.label} {props.problem}.
        </div>
      ) : null}
    </div>
  );
}

/**
 * A secret typed or read from a file, sent once and never shown back: the page only says
 * whether one is set. The text stays in this form until it is saved, then is cleared.
 */
export function SecretTextField(
  props: FieldFrame & {
    value: string;
    isSet: boolean;
    accept: string;
    onChange(value: string): void;
  },
) {
  const [fileError, setFileError] = useState<string | undefined>();
  return (
    <Frame {...props} problem={props.problem ?? fileError}>
      {(ids) => (
        <div className="secret-field">
          <div className="muted small" data-testid={`${props.field}-status`}>
            {props.isSet ? 'Set' : 'Not set'}
          </div>
          <textarea
            id={ids.control}
            rows={4}
            value={props.value}
            placeholder={
              props.isSet
                ? 'A key is set. Paste a new one to replace it.'
                : '-----BEGIN PRIVATE KEY-----'
            }
            readOnly={props.lockedReason !== undefined}
            aria-invalid={props.problem ? true : undefined}
            aria-describedby={ids.described || undefined}
            autoComplete="off"
            spellCheck={false}
            className="secret-text"
            onChange={(event) => props.onChange(event.target.value)}
          />
          <label className="file-pick">
            <span>Or read it from a file: </span>
            <input
              type="file"
              accept={props.accept}
              disabled={props.lockedReason !== undefined}
              onChange={(event) => {
                const file = event.target.files?.[0];
                event.target.value = '';
                if (!file) return;
                file.text().then(
                  (text) => {
                    setFileError(undefined);
                    props.onChange(text);
                  },
                  () => setFileError(`could not be read from ${file.name}; choose the file again`),
                );
              }}
            />
          </label>
        </div>
      )}
    </Frame>
  );
}
