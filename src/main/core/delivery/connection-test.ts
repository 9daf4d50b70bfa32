import { randomUUID } from 'node:crypto';
import { authorityOf, isTenantConfigured, type Config } from '../../../shared/config-schema.ts';
import { cannotOpenSiteSentence } from '../../../shared/site-access.ts';
import { DeliveryError } from './errors.ts';
import { missingCredentialSentence, missingSettingsSentence } from './worker/connection-status.ts';
import type { TokenSource } from './graph/token-source.ts';
import type { SharePointClient } from './graph/sharepoint-client.ts';
import type { TargetResolver } from './target-resolver.ts';

/** One step of "Test connection". */
export interface ConnectionTestStep {
  name: 'configuration' | 'credential' | 'token' | 'site' | 'library' | 'folder' | 'write';
  status: 'ok' | 'failed' | 'skipped';
  /** What was checked and found, or what is wrong and how to fix it. */
  detail: string;
  /** The stable code of the failure, when it failed. */
  code?: string;
}

/** The outcome of "Test connection": every step, in order; the first failure stops the rest. */
export interface ConnectionTestReport {
  isOk: boolean;
  steps: ConnectionTestStep[];
}

/** What the connection test needs (absent when the tenant is not configured). */
export interface ConnectionTestParts {
  tokens: TokenSource;
  sharepoint: SharePointClient;
  targets: TargetResolver;
}

/** The steps of "Test connection", in the order they run. */
const stepNames: readonly ConnectionTestStep['name'][] = [
  'configuration',
  'credential',
  'token',
  'site',
  'library',
  'folder',
  'write',
];

/**
 * Checks, step by step, what delivery needs: configuration, a stored credential, a token, the
 * site, each library, each target folder, and write permission (by opening and cancelling an
 * upload session: nothing is left in the library). Says which step fails and why.
 */
export async function runConnectionTest(
  config: Config,
  parts: ConnectionTestParts | undefined,
  signal: AbortSignal,
): Promise<ConnectionTestReport> {
  const steps: ConnectionTestStep[] = [];
  const finish = (failed?: ConnectionTestStep): ConnectionTestReport => {
    if (failed) steps.push(failed);
    for (const name of stepNames.slice(steps.length)) {
      steps.push({ name, status: 'skipped', detail: 'Not checked: an earlier step failed' });
    }
    return { isOk: steps.every((step) => step.status === 'ok'), steps };
  };
  const failure = async (
    name: ConnectionTestStep['name'],
    error: unknown,
  ): Promise<ConnectionTestStep> =>
    (await refusedPerson(name, error, parts)) ?? {
      name,
      status: 'failed',
      detail: (error as Error).message,
      code: String((error as { code?: unknown }).code ?? 'unknown'),
    };

  if (!isTenantConfigured(config) || !parts) {
    return finish({
      name: 'configuration',
      status: 'failed',
      detail: `Not connected: ${missingSettingsSentence(config)}`,
      code: 'config.not-configured',
    });
  }
  steps.push({
    name: 'configuration',
    status: 'ok',
    // Names what a person typed and recognises; the app's and the tenant's ids are GUIDs that
    // say nothing to them, and the configuration itself holds them.
    detail: `Site ${config.sharepoint.siteUrl}, signing in at ${new URL(authorityOf(config)).host}`,
  });
  if (!(await parts.tokens.hasCredential())) {
    return finish({
      name: 'credential',
      status: 'failed',
      detail: `Not connected: ${missingCredentialSentence(config)}`,
      code: 'auth.no-credential',
    });
  }
  steps.push({ name: 'credential', status: 'ok', detail: await parts.tokens.describeCredential() });
  try {
    await parts.tokens.getToken({ isFresh: true });
    steps.push({ name: 'token', status: 'ok', detail: 'Signed in to Microsoft Entra ID' });
  } catch (error) {
    return finish(await failure('token', error));
  }
  try {
    await parts.targets.siteId(signal);
    steps.push({
      name: 'site',
      status: 'ok',
      detail: `Found the site ${config.sharepoint.siteUrl}`,
    });
  } catch (error) {
    return finish(await failure('site', error));
  }
  const libraries = [
    ...new Set([
      config.sharepoint.library,
      ...config.folders.map((folder) => folder.target.library ?? config.sharepoint.library),
    ]),
  ];
  const driveIds = new Map<string, string>();
  try {
    for (const library of libraries)
      driveIds.set(library, await parts.targets.driveId(library, signal));
    steps.push({
      name: 'library',
      status: 'ok',
      detail: `Found ${libraries.map((library) => `"${library}"`).join(', ')}`,
    });
  } catch (error) {
    return finish(await failure('library', error));
  }
  try {
    const detail = await checkFolders(config, parts, driveIds, signal);
    steps.push({ name: 'folder', status: 'ok', detail });
  } catch (error) {
    return finish(await failure('folder', error));
  }
  try {
    const detail = await checkWrite(config, parts, driveIds, signal);
    steps.push({ name: 'write', status: 'ok', detail });
  } catch (error) {
    return finish(await failure('write', error));
  }
  return finish();
}

/**
 * The step of a signed-in person whom SharePoint refused the site, a library or a folder (403):
 * who may not open the site, and whom to ask. Undefined for any other failure, or app-only.
 */
async function refusedPerson(
  name: ConnectionTestStep['name'],
  error: unknown,
  parts: ConnectionTestParts | undefined,
): Promise<ConnectionTestStep | undefined> {
  const personName = parts?.tokens.personName;
  if (!personName || !(error instanceof DeliveryError) || error.httpStatus !== 403) {
    return undefined;
  }
  if (name === 'write' || name === 'token') return undefined;
  const detail = cannotOpenSiteSentence(await personName.call(parts.tokens));
  return { name, status: 'failed', detail, code: 'auth.site-access-denied' };
}

/**
 * Checks each watched folder's columns and target folder; returns the step's detail.
 *
 * @param driveIds the drive id of each library, from the library step.
 */
async function checkFolders(
  config: Config,
  parts: ConnectionTestParts,
  driveIds: ReadonlyMap<string, string>,
  signal: AbortSignal,
): Promise<string> {
  const folderNotes: string[] = [];
  for (const folder of config.folders) {
    const library = folder.target.library ?? config.sharepoint.library;
    const driveId = driveIds.get(library) ?? '';
    const folderPath = folder.target.folderPath;
    const columns = Object.keys(folder.target.columns);
    await parts.targets.checkColumns(driveId, columns, signal);
    const name = folder.label ?? folder.id;
    if (folderPath === '') {
      folderNotes.push(`"${name}" → ${library} (top level)`);
      continue;
    }
    const existing = await parts.sharepoint.getItemByPath(driveId, folderPath, signal);
    folderNotes.push(
      `"${name}" → ${library}/${folderPath}${existing ? '' : ' (created at the first upload)'}`,
    );
  }
  return folderNotes.join('; ') || 'No watched folders are configured';
}

/**
 * Checks write permission on the default library by opening an upload session and cancelling
 * it, so nothing is left in the library; returns the step's detail.
 */
async function checkWrite(
  config: Config,
  parts: ConnectionTestParts,
  driveIds: ReadonlyMap<string, string>,
  signal: AbortSignal,
): Promise<string> {
  const library = config.sharepoint.library;
  const driveId = driveIds.get(library) ?? '';
  const probe = `.sitedrop-write-test-${randomUUID()}.tmp`;
  const session = await parts.sharepoint.createUploadSession(
    driveId,
    probe,
    { conflict: 'rename', sizeBytes: 1 },
    signal,
  );
  await parts.sharepoint.deleteUploadSession(session.uploadUrl, signal);
  return `The app may write to "${library}" (an upload session was opened and cancelled)`;
}
