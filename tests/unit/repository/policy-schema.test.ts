import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/shared/config-schema.ts';
import { generatePolicySchema, policySchemaPath } from '../../../tools/generate-policy-schema.ts';

const examplePath = new URL('../../../schemas/policy.example.json', import.meta.url);

async function compile() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(await generatePolicySchema()) as object);
}

describe('the policy file JSON Schema (schemas/policy.schema.json)', () => {
  it('is the one generated from src/shared/config-schema.ts (run tools/generate-policy-schema.ts)', async () => {
    expect(fs.readFileSync(policySchemaPath, 'utf8')).toBe(await generatePolicySchema());
  });

  it('accepts the documented example policy, which the agent accepts too', async () => {
    const example = JSON.parse(fs.readFileSync(examplePath, 'utf8')) as unknown;
    const validate = await compile();
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(ConfigSchema.safeParse(example).success).toBe(true);
  });

  it('rejects a misspelt key and a value of the wrong type, as IT tools will', async () => {
    const validate = await compile();
    expect(validate({ desktop: { startAtLogon: true } })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties' });
    expect(validate({ delivery: { concurrency: 'four' } })).toBe(false);
    expect(validate({ sharepoint: { cloud: 'mars' } })).toBe(false);
  });
});
