/**
 * The check after a save that changed the connection: the agent's own connection test (the
 * feed's `testConnection`, the Graph calls "Test connection" makes), so a library or site that
 * does not exist is said plainly instead of "in effect now".
 */
import type { FeedConnection } from '../../../feed/feed-connection.ts';
import {
  connectionDetailText,
  connectionStepNames,
  type ConnectionStep,
} from '../connection/connection-words.ts';

/** What the check after a save found. */
export type ConnectionCheck =
  | { kind: 'checking' }
  | { kind: 'ok' }
  | { kind: 'failed'; step: ConnectionStep }
  | { kind: 'not-checked'; message: string };

/** Whether a save changed where or how SiteDrop reaches SharePoint (paths as the agent names them). */
export function isConnectionChange(changedFields: readonly string[]): boolean {
  return changedFields.some(
    (field) =>
      field.startsWith('sharepoint.') ||
      field.startsWith('auth.') ||
      field.startsWith('secrets.') ||
      field.endsWith('.target.library'),
  );
}

/** Runs the agent's connection test on the settings just saved. */
export function checkConnection(connection: FeedConnection): Promise<ConnectionCheck> {
  return connection.request('testConnection', {}).then(
    (result): ConnectionCheck => {
      const failed = result.steps.find((step) => step.status === 'failed');
      return failed === undefined ? { kind: 'ok' } : { kind: 'failed', step: failed };
    },
    (failure: unknown): ConnectionCheck => ({
      kind: 'not-checked',
      message: failure instanceof Error ? failure.message : String(failure),
    }),
  );
}

/** The save's outcome once the connection was checked, in one or two sentences. */
export function connectionCheckText(check: ConnectionCheck): string {
  switch (check.kind) {
    case 'checking':
      return 'Saved. Checking that SharePoint answers with the new connection…';
    case 'ok':
      return 'Saved. The changes are in effect now.';
    case 'not-checked':
      return `Saved, but the connection could not be checked: ${sentence(check.message)}`;
    case 'failed': {
      const detail = sentence(connectionDetailText(check.step.detail));
      return check.step.name === 'library'
        ? `Saved, but the library was not found, so no file can be delivered yet. ${detail}`
        : `Saved, but the connection does not work yet (${connectionStepNames[check.step.name]} failed). ${detail}`;
    }
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
