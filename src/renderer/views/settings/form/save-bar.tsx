/**
 * The bar that stays at the bottom of Settings while it scrolls: Save, Undo changes, how many
 * fields need attention, and what the last save came to.
 */
import type { SaveOutcome, SettingsForm } from './use-settings-form.ts';

/** Save and Undo, with the outcome. */
export function SaveBar(props: { form: SettingsForm }) {
  const { form } = props;
  const { problemCount } = form;
  return (
    <div className="actions sticky-actions">
      <button type="submit" className="primary" disabled={form.isSaving || !form.isDirty}>
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
      <SaveMessage outcome={form.outcome} />
    </div>
  );
}

function SaveMessage(props: { outcome: SaveOutcome | undefined }) {
  const { outcome } = props;
  if (outcome === undefined) return <span role="status" />;
  if (outcome.kind === 'refused') {
    return (
      <span role="alert" className="error-text" data-testid="save-outcome">
        {outcome.message}
      </span>
    );
  }
  return (
    <span role="status" data-testid="save-outcome">
      {outcome.changedFields.length === 0
        ? 'Saved; nothing changed.'
        : outcome.restartRequiredFields.length > 0
          ? `Saved. These take effect after the agent restarts: ${outcome.restartRequiredFields.join(', ')}.`
          : 'Saved. The changes are in effect now.'}
    </span>
  );
}
