import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ConfigLockedError,
  saveUserConfig,
} from '../../../../../src/main/core/config/index.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';

function setup(user: object, policy?: object) {
  const dir = makeTempDir();
  const userConfigPath = path.join(dir, 'config.json');
  const policyPath = path.join(dir, 'policy.json');
  fs.writeFileSync(userConfigPath, JSON.stringify(user));
  if (policy) fs.writeFileSync(policyPath, JSON.stringify(policy));
  return { dir, userConfigPath, policyPath, defaults: {} };
}

describe('saving the user config', () => {
  it('applies a merge patch: objects merge, null removes, values replace', () => {
    const options = setup({
      delivery: { concurrency: 3, requestTimeoutMs: 5_000 },
      log: { level: 'debug' },
    });
    const saved = saveUserConfig({
      ...options,
      patch: { delivery: { concurrency: 8 }, log: null },
    });
    expect(JSON.parse(fs.readFileSync(options.userConfigPath, 'utf8'))).toEqual({
      delivery: { concurrency: 8, requestTimeoutMs: 5_000 },
    });
    expect(saved.config.delivery.concurrency).toBe(8);
    expect(saved.config.log.level).toBe('info');
    expect(saved.changedFields).toEqual(['delivery.concurrency', 'log.level']);
    expect(fs.readdirSync(options.dir)).toEqual(['config.json']);
  });

  it('writes nothing when the result does not validate, and names the user file and field', () => {
    const options = setup({ delivery: { concurrency: 3 } });
    const before = fs.readFileSync(options.userConfigPath, 'utf8');
    expect(() => saveUserConfig({ ...options, patch: { delivery: { concurrency: 99 } } })).toThrow(
      ConfigError,
    );
    try {
      saveUserConfig({ ...options, patch: { delivery: { concurrency: 99 } } });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.objectContaining({ file: options.userConfigPath, field: 'delivery.concurrency' }),
      ]);
    }
    expect(fs.readFileSync(options.userConfigPath, 'utf8')).toBe(before);
    expect(fs.readdirSync(options.dir)).toEqual(['config.json']);
  });

  it('refuses to change a field the policy sets, but accepts its current value', () => {
    const options = setup({}, { sharepoint: { library: 'Requests' } });
    expect(() =>
      saveUserConfig({ ...options, patch: { sharepoint: { library: 'Other' } } }),
    ).toThrow(ConfigLockedError);
    expect(() => saveUserConfig({ ...options, patch: { sharepoint: null } })).toThrow(/sharepoint/);
    const same = saveUserConfig({ ...options, patch: { sharepoint: { library: 'Requests' } } });
    expect(same.changedFields).toEqual([]);
  });
});
