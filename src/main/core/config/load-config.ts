import fs from 'node:fs';
import { ConfigSchema, type Config, type ConfigInput } from '../../../shared/config-schema.ts';
import {
  formatFieldPath,
  isPlainObject,
  isPrototypeKey,
  leafPaths,
  valueAt,
} from '../../../shared/value-paths.ts';
import type { z } from 'zod';
import { CodedError } from '../../../shared/coded-error.ts';

/** One config file layer and what it held. */
export interface ConfigLayer {
  /** 'defaults', or the file's path. */
  source: string;
  kind: 'defaults' | 'user' | 'policy';
  values: Record<string, unknown>;
}

/** A loaded config, with which fields the policy locks. */
export interface LoadedConfig {
  config: Config;
  /** Dotted field paths set by the managed policy (e.g. 'sharepoint.siteUrl', 'folders'). */
  lockedFields: readonly string[];
  /** The files that were read, lowest precedence first. */
  sources: readonly string[];
}

/** One problem in a config, named by file and field. */
export interface ConfigProblem {
  file: string;
  field: string;
  message: string;
}

/**
 * A config that cannot run the agent. Its message lists every problem with the file, the
 * field path, the bad value and what is allowed.
 */
export class ConfigError extends CodedError<'config.invalid'> {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      'config.invalid',
      [
        `SiteDrop cannot start: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}.`,
        ...problems.map((problem) => `  ${problem.file}: ${problem.field}: ${problem.message}`),
        'Fix these fields (docs/configuration.md lists every field), then start again.',
      ].join('\n'),
    );
    this.problems = problems;
  }
}

/** Options for loading the config layers. */
export interface LoadConfigOptions {
  defaults: ConfigInput;
  /** The user config file; a missing file is fine (nothing configured yet). */
  userConfigPath: string;
  /** The managed policy file; a missing file is fine. */
  policyPath: string;
}

/**
 * Reads defaults < user config < managed policy, merges them, validates the result with the
 * one schema, and reports the fields the policy locks.
 *
 * @throws ConfigError naming the file and field of every problem; nothing half-valid is returned.
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const layers: ConfigLayer[] = [
    {
      source: 'built-in defaults',
      kind: 'defaults',
      values: options.defaults as Record<string, unknown>,
    },
  ];
  const problems: ConfigProblem[] = [];
  for (const [kind, file] of [
    ['user', options.userConfigPath],
    ['policy', options.policyPath],
  ] as const) {
    const read = readJsonObject(file);
    if (read.kind === 'missing') continue;
    if (read.kind === 'invalid') {
      problems.push({ file, field: '(file)', message: read.message });
      continue;
    }
    layers.push({ source: file, kind, values: read.values });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return validateLayers(layers);
}

/** Merges layers and validates them; exported for the settings screen, which adds a layer. */
export function validateLayers(layers: readonly ConfigLayer[]): LoadedConfig {
  const merged = layers.reduce<Record<string, unknown>>(
    (result, layer) => mergeConfigValues(result, layer.values),
    {},
  );
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(issue, layers, merged)));
  }
  const policy = layers.find((layer) => layer.kind === 'policy');
  return {
    config: parsed.data,
    lockedFields: policy ? leafPaths(policy.values) : [],
    sources: layers.map((layer) => layer.source),
  };
}

/**
 * Deep-merges plain objects; arrays and scalars of the higher layer replace the lower one's
 * (a policy's folder list is the folder list, not an addition to it).
 */
export function mergeConfigValues(
  lower: Record<string, unknown>,
  higher: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...lower };
  for (const [key, value] of Object.entries(higher)) {
    if (isPrototypeKey(key)) continue;
    const existing = result[key];
    result[key] =
      isPlainObject(existing) && isPlainObject(value) ? mergeConfigValues(existing, value) : value;
  }
  return result;
}

type ReadResult =
  | { kind: 'missing' }
  | { kind: 'invalid'; message: string }
  | { kind: 'ok'; values: Record<string, unknown> };

function readJsonObject(file: string): ReadResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', message: `cannot be read (${(error as Error).message})` };
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    return {
      kind: 'invalid',
      message: `is not valid JSON (${(error as Error).message}). Fix the syntax or remove the file.`,
    };
  }
  if (!isPlainObject(values)) {
    return { kind: 'invalid', message: 'must hold one JSON object ({ … }) at the top level' };
  }
  return { kind: 'ok', values };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  layers: readonly ConfigLayer[],
  merged: Record<string, unknown>,
): ConfigProblem {
  const pathSegments = issue.path as (string | number)[];
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    const full = keys.map((key) => [...pathSegments, key]);
    return {
      file: sourceOf(full[0] ?? pathSegments, layers),
      field: keys.map((key) => formatFieldPath([...pathSegments, key])).join(', '),
      message: `unknown field${keys.length === 1 ? '' : 's'}; check the spelling or remove ${keys.length === 1 ? 'it' : 'them'}`,
    };
  }
  const value = valueAt(merged, pathSegments);
  const shown = value === undefined ? 'nothing' : JSON.stringify(value);
  return {
    file: sourceOf(pathSegments, layers),
    field: formatFieldPath(pathSegments),
    message: `${plainIssueMessage(issue)} (got ${shown})`,
  };
}

const typeNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list [ … ]',
  object: 'an object { … }',
};

/**
 * The validator's own wording ("Too small: expected string to have >=1 characters") turned
 * into what a person fixing a file needs; messages the schema wrote itself are kept as they are.
 */
function plainIssueMessage(issue: z.core.$ZodIssue): string {
  if (!/^(Invalid input|Too small|Too big|Invalid option)/.test(issue.message))
    return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${typeNames[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const limit = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'string') {
        return issue.code === 'too_small' && bound === 1
          ? 'must not be empty'
          : `must be ${limit} ${bound} characters long`;
      }
      if (issue.origin === 'array') return `must have ${limit} ${bound} entries`;
      return `must be ${limit} ${bound}`;
    }
    default:
      return issue.message;
  }
}

/** The highest layer that sets the path (or one of its ancestors). */
function sourceOf(
  pathSegments: readonly (string | number)[],
  layers: readonly ConfigLayer[],
): string {
  for (const layer of [...layers].reverse()) {
    for (let length = pathSegments.length; length > 0; length -= 1) {
      if (valueAt(layer.values, pathSegments.slice(0, length)) !== undefined) return layer.source;
    }
  }
  return layers.at(-1)?.source ?? 'built-in defaults';
}
