/**
 * Settings, for admins, by section: the SharePoint connection (`connection/`), delivery
 * (`delivery/`) and the watched folders (`folders/`), with the form's state in one hook
 * (`form/use-settings-form.ts`, on the draft model of `form/settings-draft.ts`). Validated
 * inline with the shared config schema (a field's problem is announced when it is left,
 * `form/field-announcer.tsx`; a refused save lists them all, `form/error-summary.tsx`); saved
 * through saveSettings, which takes effect without a restart. Fields the managed policy sets are
 * read-only with the reason.
 */
import { ConnectionSection } from './connection/connection-section.tsx';
import { DeliverySection } from './delivery/delivery-section.tsx';
import { FolderEditor } from './folders/folder-editor.tsx';
import { ErrorSummary } from './form/error-summary.tsx';
import { FieldAnnouncer } from './form/field-announcer.tsx';
import { SaveBar } from './form/save-bar.tsx';
import { useSettingsForm } from './form/use-settings-form.ts';

/** The settings screen. */
export function SettingsScreen() {
  const state = useSettingsForm();
  if (state.kind === 'failed') return <p role="alert">{state.message}</p>;
  if (state.kind === 'loading') return <p className="muted">Loading settings…</p>;
  const { form } = state;
  return (
    <form className="stack settings" onSubmit={form.submit} noValidate aria-label="Settings">
      <p className="muted">
        Saved to <code>{form.settings.configPath}</code>. Changes take effect at once, without a
        restart.
      </p>
      <ErrorSummary outcome={form.outcome} />
      <FieldAnnouncer>
        <ConnectionSection form={form} />
        <DeliverySection form={form} />
        <FolderEditor
          folders={form.draft.folders}
          defaultLibrary={form.draft.sharepoint.library}
          problemOf={form.problemOf}
          lockedReason={form.locked('folders')}
          onChange={(folders) => form.update(['folders'], folders)}
        />
      </FieldAnnouncer>
      <SaveBar form={form} />
    </form>
  );
}
