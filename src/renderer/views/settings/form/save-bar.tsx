/**
 * The bar that stays at the bottom of Settings while it scrolls: Save, Undo changes, how many
 * fields need attention, and what the last save came to. Save stays focusable while there is
 * nothing to save or a save runs (aria-disabled, not disabled, which drops the keyboard's focus
 * to the page), and its outcome goes into a status region that is always there. The page keeps
 * as much room as the bar is high at the bottom of its scrollport (`scroll-padding-bottom`), and
 * a field that takes the focus under the bar is scrolled clear of it: Chromium's own scrolling
 * on focus leaves a control that is partly in view where it is, under the bar.
 */
import { useLayoutEffect, useRef } from 'react';
import { connectionCheckText } from './connection-check.ts';
import type { SaveOutcome, SettingsForm } from './use-settings-form.ts';

/** Save and Undo, with the outcome. */
export function SaveBar(props: { form: SettingsForm }) {
  const { form } = props;
  const { problemCount } = form;
  const barRef = useRef<HTMLDivElement>(null);
  useScrollPaddingOf(barRef);
  return (
    <div className="actions sticky-actions" ref={barRef} data-testid="save-bar">
      <button
        type="submit"
        className="primary"
        aria-disabled={form.isSaving || !form.isDirty ? true : undefined}
      >
        {form.isSaving ? 'Saving…' : 'Save settings'}
      </button>
      <button type="button" disabled={!form.isDirty} onClick={form.undo}>
        Undo changes
      </button>
      {form.isSubmitted && problemCount > 0 ? (
        <span className="error-text">
          {problemCount} field{problemCount === 1 ? ' needs' : 's need'} attention.
        </span>
      ) : null}
      <span
        role="status"
        data-testid="save-outcome"
        className={form.outcome?.kind === 'refused' ? 'error-text' : undefined}
      >
        {form.outcome === undefined ? null : saveOutcomeText(form.outcome)}
      </span>
    </div>
  );
}

/** What the last press of Save came to, in words. */
function saveOutcomeText(outcome: SaveOutcome): string {
  switch (outcome.kind) {
    case 'refused':
      return outcome.message;
    case 'unchanged':
      return 'Nothing to save: no setting was changed.';
    case 'saved':
      if (outcome.changedFields.length === 0) return 'Saved; nothing changed.';
      if (outcome.restartRequiredFields.length > 0) {
        return `Saved. These take effect after the agent restarts: ${outcome.restartRequiredFields.join(', ')}.`;
      }
      return connectionCheckText(outcome.connectionCheck ?? { kind: 'ok' });
  }
}

/**
 * Keeps the document's scroll padding at the bottom as high as the bar, while it is shown, and
 * scrolls a control that takes the focus under the bar into the room above it.
 */
function useScrollPaddingOf(ref: { readonly current: HTMLElement | null }) {
  useLayoutEffect(() => {
    const bar = ref.current;
    if (!bar) return;
    const root = document.documentElement;
    const update = () => {
      // Whole pixels, rounded up: the page scrolls by whole pixels, and a fraction less room
      // leaves the field's last fraction of a pixel under the bar.
      root.style.scrollPaddingBottom = `${Math.ceil(bar.getBoundingClientRect().height)}px`;
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(bar);
    const onFocusIn = (event: FocusEvent) => {
      const target = event.target;
      if (!(target instanceof HTMLElement) || bar.contains(target)) return;
      if (target.getBoundingClientRect().bottom > bar.getBoundingClientRect().top) {
        // 'nearest' moves it just far enough, and honours the scroll padding set above.
        target.scrollIntoView({ block: 'nearest' });
      }
    };
    document.addEventListener('focusin', onFocusIn);
    return () => {
      observer.disconnect();
      document.removeEventListener('focusin', onFocusIn);
      root.style.scrollPaddingBottom = '';
    };
  }, [ref]);
}
