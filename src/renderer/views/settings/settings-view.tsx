/**
 * Settings, for admins: the SharePoint connection (tenant, client id, auth method and its
 * credential, site URL, library), delivery concurrency, and each watched folder's mapping
 * (target library and folder, column mapping, conflict and after-upload behaviour, filters).
 * Validated inline with the shared config schema; saved through saveSettings, which takes
 * effect without a restart; "Test connection" shows each step. Fields the managed policy
 * sets are read-only with the reason (issue 5).
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Config } from '../../../shared/config-schema.ts';
import type { ConnectionTestResult, SettingsView } from '../../../shared/feed-protocol.ts';
import { useFeedState } from '../../feed/feed-context.tsx';
import { FeedCommandError } from '../../feed/feed-connection.ts';
import { FolderEditor } from './folder-editor.tsx';
import {
  buildPatch,
  isFieldLocked,
  setAt,
  validateDraft,
  type FieldProblems,
} from './settings-draft.ts';
import { SelectField, TextField } from './settings-fields.tsx';

type SaveOutcome =
  | { kind: 'saved'; changedFields: string[]; restartRequiredFields: string[] }
  | { kind: 'refused'; message: string };

const stepNames: Readonly<Record<ConnectionTestResult['steps'][number]['name'], string>> = {
  configuration: 'Settings complete',
  credential: 'Credential available',
  token: 'Sign in to Microsoft Entra ID',
  site: 'Find the SharePoint site',
  library: 'Find the document library',
  folder: 'Find the target folder',
  write: 'Permission to write',
};

/** The settings screen. */
export function SettingsScreen() {
  const feed = useFeedState();
  const isReady = feed.status.kind === 'open';
  const [settings, setSettings] = useState<SettingsView | undefined>();
  const [draft, setDraft] = useState<Config | undefined>();
  const [clientSecret, setClientSecret] = useState('');
  const [loadError, setLoadError] = useState<string | undefined>();
  const [serverProblems, setServerProblems] = useState<FieldProblems>({});
  const [isSubmitted, setIsSubmitted] = useState(false);
  const [outcome, setOutcome] = useState<SaveOutcome | undefined>();
  const [isSaving, setIsSaving] = useState(false);

  const load = useCallback(() => {
    feed.connection?.request('getSettings', {}).then(
      (result) => {
        setSettings(result);
        setDraft(result.config);
        setLoadError(undefined);
      },
      (failure: unknown) =>
        setLoadError(failure instanceof Error ? failure.message : String(failure)),
    );
  }, [feed.connection]);

  useEffect(() => {
    if (isReady) load();
  }, [isReady, load]);

  const problems = useMemo(() => (draft ? validateDraft(draft) : {}), [draft]);
  const patch = useMemo(
    () => (settings && draft ? buildPatch(settings.config, draft) : {}),
    [settings, draft],
  );
  const isDirty = Object.keys(patch).length > 0 || clientSecret !== '';

  if (loadError !== undefined && settings === undefined) return <p role="alert">{loadError}</p>;
  if (settings === undefined || draft === undefined) {
    return <p className="muted">Loading settings…</p>;
  }

  const locked = (field: string) =>
    isFieldLocked(settings.lockedFields, field) ? settings.lockedReason : undefined;
  const shownProblem = (field: string): string | undefined => {
    const problem = serverProblems[field] ?? problems[field];
    if (problem === undefined) return undefined;
    return isSubmitted || isEdited(settings.config, draft, field) ? problem : undefined;
  };
  const update = (path: readonly (string | number)[], value: unknown) => {
    setOutcome(undefined);
    setServerProblems({});
    setDraft((current) => (current ? setAt(current, path, value) : current));
  };
  const optionalText = (value: string) => (value.trim() === '' ? undefined : value.trim());

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setIsSubmitted(true);
    if (Object.keys(problems).length > 0) {
      setOutcome({
        kind: 'refused',
        message: 'Nothing was saved: correct the fields marked below first.',
      });
      return;
    }
    if (!isDirty) return;
    setIsSaving(true);
    feed.connection
      ?.request('saveSettings', {
        ...(Object.keys(patch).length > 0 ? { config: patch } : {}),
        ...(clientSecret !== '' ? { secrets: { clientSecret } } : {}),
      })
      .then(
        (result) => {
          setIsSaving(false);
          setIsSubmitted(false);
          setSettings(result.settings);
          setDraft(result.settings.config);
          setClientSecret('');
          setOutcome({
            kind: 'saved',
            changedFields: result.changedFields,
            restartRequiredFields: result.restartRequiredFields,
          });
        },
        (failure: unknown) => {
          setIsSaving(false);
          if (failure instanceof FeedCommandError) {
            setServerProblems(
              Object.fromEntries(
                failure.problems.map((problem) => [problem.field, problem.message]),
              ),
            );
            setOutcome({ kind: 'refused', message: failure.message });
          } else {
            setOutcome({ kind: 'refused', message: String(failure) });
          }
        },
      );
  };

  const problemCount = Object.keys(problems).length;

  return (
    <form className="stack settings" onSubmit={onSubmit} noValidate aria-label="Settings">
      <p className="muted">
        Saved to <code>{settings.configPath}</code>. Changes take effect at once, without a restart.
      </p>

      <fieldset className="card">
        <legend>SharePoint connection</legend>
        <div className="form-grid">
          <TextField
            label="Tenant"
            field="auth.tenantId"
            value={draft.auth.tenantId ?? ''}
            placeholder="contoso.onmicrosoft.com or a GUID"
            problem={shownProblem('auth.tenantId')}
            lockedReason={locked('auth.tenantId')}
            onChange={(value) => update(['auth', 'tenantId'], optionalText(value))}
          />
          <TextField
            label="Client id"
            field="auth.clientId"
            value={draft.auth.clientId ?? ''}
            hint="The application (client) id of the app registration."
            problem={shownProblem('auth.clientId')}
            lockedReason={locked('auth.clientId')}
            onChange={(value) => update(['auth', 'clientId'], optionalText(value))}
          />
          <SelectField
            label="Sign-in method"
            field="auth.method"
            value={draft.auth.method}
            options={[
              { value: 'certificate', label: 'Certificate (recommended)' },
              { value: 'secret', label: 'Client secret' },
            ]}
            hint="Signing in as a user is not available in this version."
            problem={shownProblem('auth.method')}
            lockedReason={locked('auth.method')}
            onChange={(value) => update(['auth', 'method'], value)}
          />
          {draft.auth.method === 'certificate' ? (
            <>
              <TextField
                label="Certificate file"
                field="auth.certificate.path"
                value={draft.auth.certificate.path ?? ''}
                placeholder="/etc/sitedrop/app.pem"
                problem={shownProblem('auth.certificate.path')}
                lockedReason={locked('auth.certificate.path')}
                onChange={(value) => update(['auth', 'certificate', 'path'], optionalText(value))}
              />
              <TextField
                label="Certificate thumbprint"
                field="auth.certificate.thumbprint"
                value={draft.auth.certificate.thumbprint ?? ''}
                problem={shownProblem('auth.certificate.thumbprint')}
                lockedReason={locked('auth.certificate.thumbprint')}
                onChange={(value) =>
                  update(['auth', 'certificate', 'thumbprint'], optionalText(value))
                }
              />
            </>
          ) : (
            <TextField
              label="Client secret"
              field="secrets.clientSecret"
              type="password"
              autoComplete="new-password"
              value={clientSecret}
              placeholder={settings.secrets.clientSecret.isSet ? '•••••••• (set)' : 'Not set'}
              hint={`${settings.secrets.clientSecret.isSet ? 'A secret is set; type a new one to replace it.' : 'No secret is set yet.'} ${settings.secretStorage}`}
              onChange={setClientSecret}
            />
          )}
          <TextField
            label="Site URL"
            field="sharepoint.siteUrl"
            type="url"
            value={draft.sharepoint.siteUrl ?? ''}
            placeholder="https://contoso.sharepoint.com/sites/Office"
            problem={shownProblem('sharepoint.siteUrl')}
            lockedReason={locked('sharepoint.siteUrl')}
            onChange={(value) => update(['sharepoint', 'siteUrl'], optionalText(value))}
          />
          <TextField
            label="Library"
            field="sharepoint.library"
            value={draft.sharepoint.library}
            hint="The document library files go to, unless a folder names its own."
            problem={shownProblem('sharepoint.library')}
            lockedReason={locked('sharepoint.library')}
            onChange={(value) => update(['sharepoint', 'library'], value)}
          />
        </div>
        <TestConnection isDirty={isDirty} />
      </fieldset>

      <fieldset className="card">
        <legend>Delivery</legend>
        <div className="form-grid">
          <TextField
            label="Uploads at the same time"
            field="delivery.concurrency"
            type="number"
            value={
              Number.isNaN(draft.delivery.concurrency) ? '' : String(draft.delivery.concurrency)
            }
            hint="1 to 32. More is faster on a good connection; SharePoint may throttle above 8."
            problem={shownProblem('delivery.concurrency')}
            lockedReason={locked('delivery.concurrency')}
            onChange={(value) =>
              update(['delivery', 'concurrency'], value === '' ? Number.NaN : Number(value))
            }
          />
        </div>
      </fieldset>

      <FolderEditor
        folders={draft.folders}
        defaultLibrary={draft.sharepoint.library}
        problemOf={shownProblem}
        lockedReason={locked('folders')}
        onChange={(folders) => update(['folders'], folders)}
      />

      <div className="actions sticky-actions">
        <button type="submit" className="primary" disabled={isSaving || !isDirty}>
          {isSaving ? 'Saving…' : 'Save settings'}
        </button>
        <button
          type="button"
          disabled={!isDirty}
          onClick={() => {
            setDraft(settings.config);
            setClientSecret('');
            setIsSubmitted(false);
            setServerProblems({});
            setOutcome(undefined);
          }}
        >
          Undo changes
        </button>
        {isSubmitted && problemCount > 0 ? (
          <span className="error-text">
            {problemCount} field{problemCount === 1 ? ' needs' : 's need'} attention.
          </span>
        ) : null}
        <SaveMessage outcome={outcome} />
      </div>
    </form>
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

function TestConnection(props: { isDirty: boolean }) {
  const feed = useFeedState();
  const [result, setResult] = useState<ConnectionTestResult | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [isRunning, setIsRunning] = useState(false);
  const run = () => {
    setIsRunning(true);
    setError(undefined);
    setResult(undefined);
    feed.connection?.request('testConnection', {}).then(
      (outcome) => {
        setIsRunning(false);
        setResult(outcome);
      },
      (failure: unknown) => {
        setIsRunning(false);
        setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
  };
  return (
    <div className="test-connection">
      <button type="button" onClick={run} disabled={isRunning}>
        {isRunning ? 'Testing…' : 'Test connection'}
      </button>
      {props.isDirty ? (
        <span className="hint"> Tests the saved settings: save your changes first.</span>
      ) : null}
      <div role="status" aria-live="polite">
        {error ? <p className="error-text">{error}</p> : null}
        {result ? (
          <>
            <p>
              <strong>
                {result.isOk
                  ? 'Everything works: SiteDrop can deliver files.'
                  : 'The connection does not work yet; see the step that failed.'}
              </strong>
            </p>
            <ol className="steps">
              {result.steps.map((step, index) => (
                <li key={index} className={`step-${step.status}`} data-step={step.name}>
                  <span className="step-status">
                    <span aria-hidden="true">
                      {step.status === 'ok' ? '✓' : step.status === 'failed' ? '✗' : '–'}
                    </span>{' '}
                    {step.status === 'ok' ? 'OK' : step.status === 'failed' ? 'Failed' : 'Skipped'}
                  </span>{' '}
                  <strong>{stepNames[step.name]}</strong>: {step.detail}
                </li>
              ))}
            </ol>
          </>
        ) : null}
      </div>
    </div>
  );
}

/** Whether a field was changed in the draft (problems show once a field is edited). */
function isEdited(original: Config, draft: Config, field: string): boolean {
  const path = field.replace(/\[(\d+)\]/g, '.$1').split('.');
  const read = (value: unknown) =>
    JSON.stringify(
      path.reduce<unknown>(
        (current, key) =>
          current !== null && typeof current === 'object'
            ? (current as Record<string, unknown>)[key]
            : undefined,
        value,
      ),
    );
  return read(original) !== read(draft);
}
