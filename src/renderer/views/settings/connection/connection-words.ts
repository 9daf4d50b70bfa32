/**
 * The words of "Test connection" in Settings: each step's name, and the agent's sentences with
 * the config file's keys (`sharepoint.library`) put as the labels this screen shows ("Library").
 * The agent writes its keys because its sentences also go to the log and the command line,
 * where config.json is what a person edits.
 */
import type { ConnectionTestResult } from '../../../../shared/feed-protocol.ts';

/** One step of a connection test. */
export type ConnectionStep = ConnectionTestResult['steps'][number];

/** Each step as Settings names it. */
export const connectionStepNames: Readonly<Record<ConnectionStep['name'], string>> = {
  configuration: 'Settings complete',
  credential: 'Credential available',
  token: 'Sign in to Microsoft Entra ID',
  site: 'Find the SharePoint site',
  library: 'Find the document library',
  folder: 'Find the target folder',
  write: 'Permission to write',
};

/**
 * The config keys the agent's connection sentences name, and the label each has in Settings;
 * a folder's own library first, so its key is not read as the connection's.
 */
const settingLabels: readonly (readonly [RegExp, string])[] = [
  [/\b(?:the folder's )?target\.library\b/g, 'the folder’s “Library”'],
  [/\bsharepoint\.library\b/g, '“Library”'],
  [/\bsharepoint\.siteUrl\b/g, '“Site URL”'],
  [/\bauth\.clientId\b/g, '“Client id”'],
  [/\bauth\.tenantId\b/g, '“Tenant”'],
  [/\bauth\.method\b/g, '“Sign-in method”'],
  [/\bauth\.certificate\.thumbprint\b/g, '“Certificate thumbprint”'],
  [/\bauth\.certificate\.path\b/g, '“Certificate file”'],
];

/** Where the agent points to its own documentation, which a person in Settings does not need. */
const documentationNote = /\s*\(docs\/[^)]*\)/g;

/** The agent's sentence about a connection step, in the words of the Settings screen. */
export function connectionDetailText(detail: string): string {
  return settingLabels
    .reduce((text, [key, label]) => text.replace(key, label), detail)
    .replace(documentationNote, '');
}
