/**
 * Which settings are durations or sizes, and their limits, read from the one config schema
 * (`config-schema.ts`) so that the settings form never repeats a number the schema holds.
 *
 * The unit is the one the key names (`…Ms`: a duration in milliseconds, `…Bytes`: a size in
 * bytes; entries of a list take the list's). The limits are the schema's own, through its JSON
 * Schema (zod's `toJSONSchema`, the same view `schemas/policy.schema.json` is generated from).
 */
import { z } from 'zod';
import { ConfigSchema } from './config-schema.ts';
import type { NumberLimits, SettingUnit } from './format/setting-entry.ts';
import type { ValuePath } from './value-paths.ts';

/** A node of the config's JSON Schema, as far as the limits need it. */
interface SchemaNode extends NumberLimits {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  maxItems?: number;
}

/** A setting's limits, and for a list the most entries it takes. */
export type SettingLimits = NumberLimits & { maxItems?: number };

let configJsonSchema: SchemaNode | undefined;

/** The config's JSON Schema, built on first use (a few milliseconds) and kept. */
function jsonSchema(): SchemaNode {
  configJsonSchema ??= z.toJSONSchema(ConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as SchemaNode;
  return configJsonSchema;
}

/** The unit of a setting by its path (`['delivery', 'requestTimeoutMs']`), if it has one. */
export function unitOfSetting(path: ValuePath): SettingUnit | undefined {
  const key = [...path].reverse().find((segment) => typeof segment === 'string');
  if (key === undefined) return undefined;
  if (key.endsWith('Ms')) return 'duration';
  if (key.endsWith('Bytes')) return 'size';
  return undefined;
}

/**
 * The limits of a number setting, or of a list of numbers' entries, by its path; a list index
 * (`['folders', 0, 'stabilityWindowMs']`) stands for any entry.
 */
export function limitsOfSetting(path: ValuePath): SettingLimits {
  let node: SchemaNode | undefined = jsonSchema();
  for (const segment of path) {
    node = typeof segment === 'number' ? node?.items : node?.properties?.[segment];
  }
  if (node === undefined) return {};
  const entry = node.items ?? node;
  const limits = {
    minimum: entry.minimum,
    maximum: entry.maximum,
    exclusiveMaximum: entry.exclusiveMaximum,
    multipleOf: entry.multipleOf,
    maxItems: node.maxItems,
  };
  // `.int()` bounds every whole number by the safe integers: that is no limit to a person.
  return Object.fromEntries(
    Object.entries(limits).filter(
      ([, value]) => value !== undefined && Math.abs(value) < Number.MAX_SAFE_INTEGER,
    ),
  );
}
