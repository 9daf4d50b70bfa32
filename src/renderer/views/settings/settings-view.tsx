/**
 * Settings, for admins: the SharePoint connection (tenant, client id, auth method and its
 * credential, site URL, library), delivery concurrency, and each watched folder's mapping
 * (target library and folder, column mapping, conflict and after-upload behaviour, filters).
 * Validated inline with the shared config schema; saved through saveSettings, which takes
 * effect without a restart; "Test connection" shows each step. Fields the managed policy
 * sets are read-only with the reason.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Config } from '../../../shared/config-schema.ts';
import type { ConnectionTestResult, SettingsView } from '../../../shared/feed-protocol.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
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
import {
  NumberField,
  NumberListField,
  SecretTextField,
  SelectField,
  TextField,
} from './settings-fields.tsx';

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
  const [certificateKey, setCertificateKey] = useState('');
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
  const isDirty = Object.keys(patch).length > 0 || clientSecret !== '' || certificateKey !== '';
  const certificateKeyProblem = describeCertificateKeyProblem(certificateKey);

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
  /** The first problem of a list field or of one of its entries (`delivery.retry.x[2]`). */
  const shownListProblem = (field: string): string | undefined => {
    const entry = Object.keys({ ...problems, ...serverProblems }).find(
      (key) => key === field || key.startsWith(`${field}[`),
    );
    return entry === undefined ? undefined : shownProblem(entry);
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
    if (Object.keys(problems).length > 0 || certificateKeyProblem !== undefined) {
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
        ...(clientSecret !== '' || certificateKey !== ''
          ? {
              secrets: {
                ...(clientSecret !== '' ? { clientSecret } : {}),
                ...(certificateKey !== '' ? { certificateKey } : {}),
              },
            }
          : {}),
      })
      .then(
        (result) => {
          setIsSaving(false);
          setIsSubmitted(false);
          setSettings(result.settings);
          setDraft(result.settings.config);
          setClientSecret('');
          setCertificateKey('');
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
        <legend>
          <h2>SharePoint connection</h2>
        </legend>
        <div className="form-grid">
          <TextField
            label="Tenant"
            field="auth.tenantId"
            value={draft.auth.tenantId ?? ''}
            placeholder="contoso.onmicrosoft.com or a GUID"
            hint="Optional when signing in with Microsoft: any work account can sign in without it."
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
              { value: 'delegated', label: 'Sign in with Microsoft (recommended)' },
              { value: 'certificate', label: 'App-only: certificate' },
              { value: 'secret', label: 'App-only: client secret' },
            ]}
            hint="App-only suits unattended machines; it needs an admin to grant the app a site."
            problem={shownProblem('auth.method')}
            lockedReason={locked('auth.method')}
            onChange={(value) => update(['auth', 'method'], value)}
          />
          {draft.auth.method === 'delegated' ? null : draft.auth.method === 'certificate' ? (
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
                hint="SHA-1 (40 hex digits) or SHA-256 (64) of the certificate registered for the app."
                problem={shownProblem('auth.certificate.thumbprint')}
                lockedReason={locked('auth.certificate.thumbprint')}
                onChange={(value) =>
                  update(['auth', 'certificate', 'thumbprint'], optionalText(value))
                }
              />
              <SecretTextField
                label="Certificate private key"
                field="secrets.certificateKey"
                value={certificateKey}
                isSet={settings.secrets.certificateKey.isSet}
                accept=".pem,.key,application/x-pem-file"
                hint={`The PEM private key of that certificate. Sent once when you save, then kept by the agent and never shown again. ${settings.secretStorage}`}
                problem={certificateKey === '' ? undefined : certificateKeyProblem}
                onChange={(value) => {
                  setOutcome(undefined);
                  setCertificateKey(value);
                }}
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

      <DeliveryFields
        delivery={draft.delivery}
        problemOf={shownProblem}
        listProblemOf={shownListProblem}
        locked={locked}
        update={(path, value) => update(['delivery', ...path], value)}
      />

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
            setCertificateKey('');
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

/** Why a pasted certificate key cannot be used, or undefined when it looks right. */
function describeCertificateKeyProblem(key: string): string | undefined {
  const text = key.trim();
  if (text === '') return undefined;
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text)) {
    return 'must not be encrypted: export it without a password';
  }
  if (
    !/^-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+-----END (RSA |EC )?PRIVATE KEY-----$/.test(
      text,
    )
  ) {
    return 'must be a PEM private key, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----';
  }
  return undefined;
}

/** Delivery: parallel uploads, upload sizes, timeouts, retries and the circuit breaker. */
function DeliveryFields(props: {
  delivery: Config['delivery'];
  problemOf(field: string): string | undefined;
  listProblemOf(field: string): string | undefined;
  locked(field: string): string | undefined;
  update(path: readonly string[], value: unknown): void;
}) {
  const { delivery, problemOf, locked, update } = props;
  const number = (path: readonly string[], label: string, value: number, hint: string) => {
    const field = `delivery.${path.join('.')}`;
    return (
      <NumberField
        label={label}
        field={field}
        value={value}
        hint={hint}
        problem={problemOf(field)}
        lockedReason={locked(field)}
        onChange={(next) => update(path, next)}
      />
    );
  };
  return (
    <fieldset className="card">
      <legend>
        <h2>Delivery</h2>
      </legend>
      <div className="form-grid">
        {number(
          ['concurrency'],
          'Uploads at the same time',
          delivery.concurrency,
          '1 to 32. More is faster on a good connection; SharePoint may throttle above 8.',
        )}
        {number(
          ['chunkSizeBytes'],
          'Upload chunk size (bytes)',
          delivery.chunkSizeBytes,
          `A multiple of 327680 (320 KiB), less than 60 MiB. Now ${describeSize(delivery.chunkSizeBytes)}.`,
        )}
        {number(
          ['simpleUploadMaxBytes'],
          'Largest file sent in one request (bytes)',
          delivery.simpleUploadMaxBytes,
          `Larger files go in chunks through an upload session. Now ${describeSize(delivery.simpleUploadMaxBytes)}.`,
        )}
        {number(
          ['requestTimeoutMs'],
          'Request timeout (ms)',
          delivery.requestTimeoutMs,
          '1000 to 600000: how long one request to SharePoint may take.',
        )}
      </div>
      <h3>Retries</h3>
      <div className="form-grid">
        <NumberListField
          label="Quick retries (ms)"
          field="delivery.retry.inProcessDelaysMs"
          value={delivery.retry.inProcessDelaysMs}
          hint="Waits between quick retries of a failed upload, e.g. 1000, 2000, 4000 (at most 10)."
          problem={props.listProblemOf('delivery.retry.inProcessDelaysMs')}
          lockedReason={locked('delivery.retry.inProcessDelaysMs')}
          onChange={(next) => update(['retry', 'inProcessDelaysMs'], next)}
        />
        {number(
          ['retry', 'storedDelayMinMs'],
          'Later retry, first wait (ms)',
          delivery.retry.storedDelayMinMs,
          'After the quick retries, the wait before the next try; it doubles each time.',
        )}
        {number(
          ['retry', 'storedDelayMaxMs'],
          'Later retry, longest wait (ms)',
          delivery.retry.storedDelayMaxMs,
          'The wait between tries never grows beyond this.',
        )}
        {number(
          ['retry', 'maxAgeMs'],
          'Give up after (ms)',
          delivery.retry.maxAgeMs,
          `A file still not delivered this long after it was first queued fails. Now ${formatDuration(delivery.retry.maxAgeMs)}.`,
        )}
      </div>
      <h3>Circuit breaker</h3>
      <p className="hint">
        When SharePoint keeps failing, SiteDrop pauses all uploads and probes it now and then,
        instead of retrying every file.
      </p>
      <div className="form-grid">
        {number(
          ['breaker', 'failureThreshold'],
          'Failures in a row',
          delivery.breaker.failureThreshold,
          'This many failed calls in a row within the window pause uploads.',
        )}
        {number(
          ['breaker', 'failureRateThreshold'],
          'Failure rate',
          delivery.breaker.failureRateThreshold,
          'Or this fraction of failed calls within the window (0 to 1, e.g. 0.5)…',
        )}
        {number(
          ['breaker', 'minimumRequests'],
          'Calls before the rate counts',
          delivery.breaker.minimumRequests,
          '…once at least this many calls were made in it.',
        )}
        {number(
          ['breaker', 'windowMs'],
          'Window (ms)',
          delivery.breaker.windowMs,
          'The time the failures above are counted in.',
        )}
        {number(
          ['breaker', 'probeIntervalMs'],
          'Probe every (ms)',
          delivery.breaker.probeIntervalMs,
          'While paused, how often SiteDrop checks whether SharePoint works again.',
        )}
      </div>
    </fieldset>
  );
}

/** A size being edited, which may not be a number yet. */
function describeSize(bytes: number): string {
  return Number.isFinite(bytes) ? formatBytes(bytes) : 'not a number';
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'not a number';
  const days = ms / 86_400_000;
  if (days >= 1) return `${Number(days.toFixed(1))} day${days === 1 ? '' : 's'}`;
  const hours = ms / 3_600_000;
  if (hours >= 1) return `${Number(hours.toFixed(1))} hours`;
  return `${Number((ms / 60_000).toFixed(1))} minutes`;
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
