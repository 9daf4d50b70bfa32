/**
 * Generates schemas/policy.schema.json, the JSON Schema of the managed policy file (and of the
 * user config), from the one zod schema in src/shared/config-schema.ts, so IT tools can
 * validate a policy before rolling it out (docs/deployment.md).
 *
 * Run `node tools/generate-policy-schema.ts` after changing the config schema;
 * tests/unit/repository/policy-schema.test.ts fails while the committed file is stale.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { z } from 'zod';
import { ConfigSchema } from '../src/shared/config-schema.ts';

/** Where the generated schema is committed. */
export const policySchemaPath = fileURLToPath(
  new URL('../schemas/policy.schema.json', import.meta.url),
);

/**
 * The policy file's JSON Schema text: the config schema as a file may hold it (before
 * defaults, so nothing is required that has a default), draft 2020-12, formatted by Prettier
 * as every file in the repository is.
 * Checks that zod refines in code (absolute paths, unique folder ids)
 * are enforced by the agent at load; the JSON Schema carries the rest.
 */
export async function generatePolicySchema(): Promise<string> {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' });
  const document = {
    ...schema,
    $id: 'https://sitedrop.invalid/schemas/policy.schema.json',
    title: 'SiteDrop managed policy and user config',
    description:
      'Every field a SiteDrop policy file (or user config.json) may set. Fields set by the policy are locked for users. See docs/configuration.md and docs/deployment.md.',
  };
  return format(JSON.stringify(document), { parser: 'json', filepath: policySchemaPath });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  fs.writeFileSync(policySchemaPath, await generatePolicySchema());
  console.log(`wrote ${policySchemaPath}`);
}
