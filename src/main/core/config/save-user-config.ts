import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ConfigInput } from '../../../shared/config-schema.ts';
import {
  isFieldLocked,
  isPlainObject,
  isPrototypeKey,
  leafPaths,
  parseFieldPath,
  valueAt,
} from '../../../shared/value-paths.ts';
import {
  ConfigError,
  loadConfig,
  type LoadConfigOptions,
  type LoadedConfig,
} from './load-config.ts';
import { CodedError } from '../../../shared/coded-error.ts';

/** Raised when a change touches a field the managed policy sets. */
export class ConfigLockedError extends CodedError<'config.locked'> {
  /** The dotted path of the locked field. */
  readonly field: string;

  constructor(field: string) {
    super(
      'config.locked',
      `${field} is set by your organisation's managed policy and cannot be changed here. ` +
        'Ask IT to change the policy file if it must differ.',
    );
    this.field = field;
  }
}

/** Options to change the user config file. */
export interface SaveUserConfigOptions extends LoadConfigOptions {
  defaults: ConfigInput;
  /**
   * A JSON merge patch (RFC 7396) on the user config file: objects merge, null removes a
   * field (its default applies again), arrays and values replace.
   */
  patch: Record<string, unknown>;
}

/** The config after a save, with what the user file now holds and what changed. */
export interface SavedUserConfig extends LoadedConfig {
  /** The user config file's content after the save. */
  userValues: Record<string, unknown>;
  /** Dotted paths whose effective value changed. */
  changedFields: string[];
}

/**
 * Applies a merge patch to the user config file, validating the result with the one schema
 * exactly as a start would (defaults < user < policy) before anything is written.
 *
 * The file is replaced atomically (written to a temporary file, synced, renamed), so a crash
 * leaves the old file or the new one, never half of one.
 *
 * @throws ConfigLockedError when the patch would change a field the policy sets;
 *   ConfigError (problems name userConfigPath and the field) when the result does not validate.
 */
export function saveUserConfig(options: SaveUserConfigOptions): SavedUserConfig {
  const before = loadConfig(options);
  const userValues = readUserConfigValues(options.userConfigPath);
  const nextUserValues = applyMergePatch(userValues, options.patch);
  for (const field of leafPaths(options.patch)) {
    const touchesLock =
      isFieldLocked(before.lockedFields, field) ||
      before.lockedFields.some((locked) => locked.startsWith(`${field}.`));
    if (!touchesLock) continue;
    const wanted = valueAt(nextUserValues, parseFieldPath(field));
    const effective = valueAt(before.config, parseFieldPath(field));
    if (wanted === undefined || !isDeepStrictEqual(wanted, effective)) {
      throw new ConfigLockedError(field);
    }
  }

  const directory = path.dirname(options.userConfigPath);
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const temporary = path.join(
    directory,
    `.${path.basename(options.userConfigPath)}.${crypto.randomBytes(6).toString('hex')}.tmp`,
  );
  writeSynced(temporary, `${JSON.stringify(nextUserValues, null, 2)}\n`);
  let after: LoadedConfig;
  try {
    after = loadConfig({ ...options, userConfigPath: temporary });
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    if (error instanceof ConfigError) {
      throw new ConfigError(
        error.problems.map((problem) =>
          problem.file === temporary ? { ...problem, file: options.userConfigPath } : problem,
        ),
      );
    }
    throw error;
  }
  fs.renameSync(temporary, options.userConfigPath);
  syncDirectory(directory);
  return {
    ...after,
    sources: after.sources.map((source) =>
      source === temporary ? options.userConfigPath : source,
    ),
    userValues: nextUserValues,
    changedFields: changedLeafPaths(before.config, after.config),
  };
}

/**
 * The user config file's values ({} when there is none yet).
 *
 * @throws ConfigError when the file exists but is not one JSON object.
 */
export function readUserConfigValues(userConfigPath: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(userConfigPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const values: unknown = JSON.parse(text);
    if (isPlainObject(values)) return values;
  } catch {
    // Reported below, with the fix.
  }
  throw new ConfigError([
    {
      file: userConfigPath,
      field: '(file)',
      message: 'is not one JSON object. Fix the syntax or remove the file.',
    },
  ]);
}

/** RFC 7396 JSON merge patch. */
function applyMergePatch(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (isPrototypeKey(key)) continue;
    if (value === null) {
      delete result[key];
    } else if (isPlainObject(value)) {
      const existing = result[key];
      result[key] = applyMergePatch(isPlainObject(existing) ? existing : {}, value);
    } else {
      result[key] = value;
    }
  }
  return result;
}

function changedLeafPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys]
      .sort()
      .flatMap((key) =>
        changedLeafPaths(before[key], after[key], prefix ? `${prefix}.${key}` : key),
      );
  }
  return isDeepStrictEqual(before, after) ? [] : [prefix];
}

function writeSynced(file: string, text: string): void {
  const descriptor = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeFileSync(descriptor, text);
    fs.fsyncSync(descriptor);
  } finally {
    fs.closeSync(descriptor);
  }
}

function syncDirectory(directory: string): void {
  if (process.platform === 'win32') return;
  const descriptor = fs.openSync(directory, 'r');
  try {
    fs.fsyncSync(descriptor);
  } finally {
    fs.closeSync(descriptor);
  }
}
