/**
 * The summary of a refused save, at the top of Settings: it takes the keyboard's focus and
 * lists each field with a problem as a link that focuses that field (scrolled clear of the Save
 * bar by the page's scroll padding). The list is read from the fields the form marks, in the
 * order they are on the screen, with the sentence each shows.
 */
import { useId, useLayoutEffect, useRef, useState } from 'react';
import type { SaveOutcome } from './use-settings-form.ts';

interface SummaryEntry {
  controlId: string;
  text: string;
}

/** The error summary of the last refused save; nothing once the form moved on. */
export function ErrorSummary(props: { outcome: SaveOutcome | undefined }) {
  const refusal = props.outcome?.kind === 'refused' ? props.outcome : undefined;
  const [entries, setEntries] = useState<SummaryEntry[]>([]);
  const summaryRef = useRef<HTMLElement>(null);
  const headingId = useId();
  const serial = refusal?.serial;
  useLayoutEffect(() => {
    const summary = summaryRef.current;
    if (serial === undefined || !summary) return;
    setEntries(markedFields(summary.closest('form')));
    summary.focus();
  }, [serial]);
  if (refusal === undefined) return null;
  return (
    <section
      ref={summaryRef}
      className="error-summary"
      tabIndex={-1}
      aria-labelledby={headingId}
      data-testid="error-summary"
    >
      <h2 id={headingId}>Nothing was saved</h2>
      {entries.length === 0 ? (
        <p>{refusal.message}</p>
      ) : (
        <>
          <p>Correct {entries.length === 1 ? 'this field' : 'these fields'}, then save again:</p>
          <ul>
            {entries.map((entry) => (
              <li key={entry.controlId}>
                <a
                  href={`#${entry.controlId}`}
                  onClick={(event) => {
                    event.preventDefault();
                    document.getElementById(entry.controlId)?.focus();
                  }}
                >
                  {entry.text}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The fields the form marks as having a problem, in document order. */
function markedFields(form: HTMLFormElement | null): SummaryEntry[] {
  if (!form) return [];
  return [...form.querySelectorAll('.field.has-problem')].flatMap((field) => {
    const control = field.querySelector('[aria-invalid="true"], input, select, textarea');
    const text = field.querySelector('.problem-text')?.textContent ?? '';
    return control?.id ? [{ controlId: control.id, text }] : [];
  });
}
