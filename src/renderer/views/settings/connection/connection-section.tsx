/**
 * The SharePoint connection section of Settings: tenant, client id, sign-in method and its
 * credential (certificate file, thumbprint and private key, or a client secret), site URL and
 * library (chosen from lists with the picker when signing in as a person), and "Test connection".
 */
import type { SettingsForm } from '../form/use-settings-form.ts';
import { SecretTextField, SelectField, TextField } from '../form/settings-fields.tsx';
import { SitePicker } from './site-picker.tsx';
import { TestConnection } from './test-connection.tsx';

const optionalText = (value: string) => (value.trim() === '' ? undefined : value.trim());

/** The SharePoint connection fieldset. */
export function ConnectionSection(props: { form: SettingsForm }) {
  const { form } = props;
  const { draft } = form;
  const text = (path: readonly string[], label: string, value: string | undefined) => ({
    label,
    field: path.join('.'),
    value: value ?? '',
    problem: form.problemOf(path.join('.')),
    lockedReason: form.locked(path.join('.')),
    onChange: (next: string) => form.update(path, optionalText(next)),
  });
  return (
    <fieldset className="card">
      <legend>
        <h2>SharePoint connection</h2>
      </legend>
      <div className="form-grid">
        <TextField
          {...text(['auth', 'tenantId'], 'Tenant', draft.auth.tenantId)}
          placeholder="contoso.onmicrosoft.com or a GUID"
          hint="Optional when signing in with Microsoft: any work account can sign in without it."
        />
        <TextField
          {...text(['auth', 'clientId'], 'Client id', draft.auth.clientId)}
          hint="The application (client) id of the app registration."
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
          problem={form.problemOf('auth.method')}
          lockedReason={form.locked('auth.method')}
          onChange={(value) => form.update(['auth', 'method'], value)}
        />
        {draft.auth.method === 'delegated' ? null : draft.auth.method === 'certificate' ? (
          <CertificateFields form={form} />
        ) : (
          <TextField
            label="Client secret"
            field="secrets.clientSecret"
            type="password"
            autoComplete="new-password"
            value={form.secrets.clientSecret}
            placeholder={form.settings.secrets.clientSecret.isSet ? '•••••••• (set)' : 'Not set'}
            hint={`${form.settings.secrets.clientSecret.isSet ? 'A secret is set; type a new one to replace it.' : 'No secret is set yet.'} ${form.settings.secretStorage}`}
            onChange={(value) => form.setSecret('clientSecret', value)}
          />
        )}
        <TextField
          {...text(['sharepoint', 'siteUrl'], 'Site URL', draft.sharepoint.siteUrl)}
          type="url"
          placeholder="https://contoso.sharepoint.com/sites/Office"
        />
        <TextField
          {...text(['sharepoint', 'library'], 'Library', draft.sharepoint.library)}
          onChange={(value) => form.update(['sharepoint', 'library'], value)}
          hint="The document library files go to, unless a folder names its own."
        />
      </div>
      {draft.auth.method === 'delegated' ? <SitePicker form={form} /> : null}
      <TestConnection isDirty={form.isDirty} />
    </fieldset>
  );
}

/** The certificate's file, thumbprint and private key. */
function CertificateFields(props: { form: SettingsForm }) {
  const { form } = props;
  const { certificate } = form.draft.auth;
  return (
    <>
      <TextField
        label="Certificate file"
        field="auth.certificate.path"
        value={certificate.path ?? ''}
        placeholder="/etc/sitedrop/app.pem"
        problem={form.problemOf('auth.certificate.path')}
        lockedReason={form.locked('auth.certificate.path')}
        onChange={(value) => form.update(['auth', 'certificate', 'path'], optionalText(value))}
      />
      <TextField
        label="Certificate thumbprint"
        field="auth.certificate.thumbprint"
        value={certificate.thumbprint ?? ''}
        hint="SHA-1 (40 hex digits) or SHA-256 (64) of the certificate registered for the app."
        problem={form.problemOf('auth.certificate.thumbprint')}
        lockedReason={form.locked('auth.certificate.thumbprint')}
        onChange={(value) =>
          form.update(['auth', 'certificate', 'thumbprint'], optionalText(value))
        }
      />
      <SecretTextField
        label="Certificate private key"
        field="secrets.certificateKey"
        value={form.secrets.certificateKey}
        isSet={form.settings.secrets.certificateKey.isSet}
        accept=".pem,.key,application/x-pem-file"
        hint={`The PEM private key of that certificate. Sent once when you save, then kept by the agent and never shown again. ${form.settings.secretStorage}`}
        problem={form.secrets.certificateKey === '' ? undefined : form.certificateKeyProblem}
        onChange={(value) => form.setSecret('certificateKey', value)}
      />
    </>
  );
}
