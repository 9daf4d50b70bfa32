/**
 * The settings form's model, kept apart from the React code: a draft of the effective config,
 * validated with the one shared config schema as it is edited, and turned into the minimal
 * JSON merge patch that saveSettings expects (docs/feed.md, "saveSettings").
 */
import { ConfigSchema, FolderConfigSchema, type Config } from '../../../../shared/config-schema.ts';
import { limitsOfSetting, unitOfSetting } from '../../../../shared/config-units.ts';
import { describeValueProblem } from '../../../../shared/format/setting-entry.ts';
import { formatFieldPath, parseFieldPath, setAt, valueAt } from '../../../../shared/value-paths.ts';

/** The settings screen locks and edits fields by the shared value-path rules. */
export { isFieldLocked, setAt } from '../../../../shared/value-paths.ts';

/** A dotted field path as the agent names fields: `sharepoint.siteUrl`, `folders[0].path`. */
export type FieldPath = string;

/** Problems by field path, each a phrase that follows the field's label. */
export type FieldProblems = Readonly<Record<FieldPath, string>>;

/** Validates a draft with the shared schema; returns the first problem of each field. */
export function validateDraft(draft: unknown): FieldProblems {
  const result = ConfigSchema.safeParse(draft);
  if (result.success) return {};
  const problems: Record<FieldPath, string> = {};
  for (const issue of result.error.issues) {
    const field = formatFieldPath(issue.path);
    problems[field] ??= describeInUnits(draft, issue.path) ?? humanize(issue.message);
  }
  return problems;
}

/**
 * A duration's or a size's problem in the units the field is typed in ("is too short at 0.5 s;
 * use 1 s to 10 min"), never in the milliseconds or bytes the config stores.
 */
function describeInUnits(draft: unknown, path: readonly PropertyKey[]): string | undefined {
  const segments = path.filter((segment) => typeof segment !== 'symbol');
  const unit = unitOfSetting(segments);
  const value = valueAt(draft, segments);
  if (unit === undefined || typeof value !== 'number') return undefined;
  return describeValueProblem(unit, value, limitsOfSetting(segments));
}

/** The fields the form edits outside the folder list, by path. */
export const scalarFields = [
  ['auth', 'tenantId'],
  ['auth', 'clientId'],
  ['auth', 'method'],
  ['auth', 'certificate', 'path'],
  ['auth', 'certificate', 'thumbprint'],
  ['sharepoint', 'siteUrl'],
  ['sharepoint', 'library'],
  ['delivery', 'concurrency'],
  ['delivery', 'chunkSizeBytes'],
  ['delivery', 'simpleUploadMaxBytes'],
  ['delivery', 'requestTimeoutMs'],
  ['delivery', 'retry', 'inProcessDelaysMs'],
  ['delivery', 'retry', 'storedDelayMinMs'],
  ['delivery', 'retry', 'storedDelayMaxMs'],
  ['delivery', 'retry', 'maxAgeMs'],
  ['delivery', 'breaker', 'failureThreshold'],
  ['delivery', 'breaker', 'failureRateThreshold'],
  ['delivery', 'breaker', 'minimumRequests'],
  ['delivery', 'breaker', 'windowMs'],
  ['delivery', 'breaker', 'probeIntervalMs'],
] as const satisfies readonly (readonly string[])[];

/**
 * The merge patch that turns `original` into `draft`: changed scalar fields (an emptied
 * optional field becomes null, so its default applies), and the whole folder list when it
 * changed (arrays replace), each folder without the fields that only repeat defaults.
 */
export function buildPatch(original: Config, draft: Config): Record<string, unknown> {
  let patch: Record<string, unknown> = {};
  for (const path of scalarFields) {
    const before = valueAt(original, path);
    const after = valueAt(draft, path);
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    patch = setAt(patch, path, after === undefined || after === '' ? null : after);
  }
  if (JSON.stringify(original.folders) !== JSON.stringify(draft.folders)) {
    patch['folders'] = draft.folders.map((folder) => withoutDefaults(folder));
  }
  return patch;
}

/** A folder config without the fields whose value is the schema's default. */
function withoutDefaults(folder: Config['folders'][number]): Record<string, unknown> {
  const defaults = FolderConfigSchema.safeParse({ id: folder.id, path: folder.path });
  if (!defaults.success) return folder;
  return strip(folder, defaults.data) as Record<string, unknown>;
}

function strip(value: unknown, defaults: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const defaultChild = (defaults as Record<string, unknown> | undefined)?.[key];
    if (JSON.stringify(child) === JSON.stringify(defaultChild) && key !== 'id' && key !== 'path') {
      continue;
    }
    const stripped = strip(child, defaultChild);
    if (
      stripped !== null &&
      typeof stripped === 'object' &&
      !Array.isArray(stripped) &&
      Object.keys(stripped).length === 0
    ) {
      continue;
    }
    result[key] = stripped;
  }
  return result;
}

/** Zod's messages as a phrase after the field's label ("Site URL must be an https:// URL"). */
function humanize(message: string): string {
  if (message.startsWith('Invalid input: expected number')) return 'must be a number';
  if (message.startsWith('Invalid input: expected string')) return 'must be filled in';
  if (message.startsWith('Too small: expected number to be >=')) {
    return `must be at least ${message.replace(/.*>=/, '').trim()}`;
  }
  if (message.startsWith('Too big: expected number to be <=')) {
    return `must be at most ${message.replace(/.*<=/, '').trim()}`;
  }
  if (message.startsWith('Too small: expected string')) return 'must not be empty';
  return message;
}

/** Whether a field was changed in the draft (problems show once a field is edited). */
export function isEdited(original: Config, draft: Config, field: FieldPath): boolean {
  const path = parseFieldPath(field);
  return JSON.stringify(valueAt(original, path)) !== JSON.stringify(valueAt(draft, path));
}
