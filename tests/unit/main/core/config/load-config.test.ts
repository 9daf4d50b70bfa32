import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  isFieldLocked,
  loadConfig,
} from '../../../../../src/main/core/config/index.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';

function setup(files: { user?: unknown; policy?: unknown | string }) {
  const dir = makeTempDir();
  const userConfigPath = path.join(dir, 'config.json');
  const policyPath = path.join(dir, 'policy.json');
  if (files.user !== undefined) fs.writeFileSync(userConfigPath, JSON.stringify(files.user));
  if (files.policy !== undefined) {
    fs.writeFileSync(
      policyPath,
      typeof files.policy === 'string' ? files.policy : JSON.stringify(files.policy),
    );
  }
  const defaults = { folders: [{ id: 'requests', path: '/srv/requests' }] };
  return {
    userConfigPath,
    policyPath,
    load: () => loadConfig({ defaults, userConfigPath, policyPath }),
  };
}

function problemsOf(load: () => unknown) {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('runs on the built-in defaults when no file exists', () => {
    const { config, lockedFields } = setup({}).load();
    expect(config.folders).toHaveLength(1);
    expect(config.folders[0]).toMatchObject({
      id: 'requests',
      stabilityWindowMs: 2000,
      conflict: 'rename',
    });
    expect(config.delivery).toMatchObject({ concurrency: 4, requestTimeoutMs: 20_000 });
    expect(config.delivery.retry.inProcessDelaysMs).toEqual([1000, 2000, 4000, 8000]);
    expect(config.feed.port).toBe(47_821);
    expect(lockedFields).toEqual([]);
  });

  it('lets the policy beat the user config, and reports the fields it locks', () => {
    const { load } = setup({
      user: { sharepoint: { siteUrl: 'https://user.sharepoint.com/sites/A', library: 'Mine' } },
      policy: {
        sharepoint: { siteUrl: 'https://it.sharepoint.com/sites/B' },
        delivery: { concurrency: 2 },
      },
    });
    const { config, lockedFields } = load();
    expect(config.sharepoint.siteUrl).toBe('https://it.sharepoint.com/sites/B');
    expect(config.sharepoint.library).toBe('Mine');
    expect(config.delivery.concurrency).toBe(2);
    expect(lockedFields).toEqual(['sharepoint.siteUrl', 'delivery.concurrency']);
    expect(isFieldLocked(lockedFields, 'sharepoint.siteUrl')).toBe(true);
    expect(isFieldLocked(lockedFields, 'sharepoint.library')).toBe(false);
  });

  it('takes nothing from a __proto__ key in a file: no value, no lock', () => {
    const { load } = setup({
      policy: '{"__proto__": {"delivery": {"concurrency": 9}}, "sharepoint": {"library": "IT"}}',
    });
    const { config, lockedFields } = load();
    expect(config.delivery.concurrency).toBe(4);
    expect(config.sharepoint.library).toBe('IT');
    expect(lockedFields).toEqual(['sharepoint.library']);
  });

  it("lets IT supply and lock the delegated sign-in's client id, the tenant left to the user", () => {
    const clientId = '3f6b2c1d-8e4a-4b7f-a2c9-5e1d7f3a9b24';
    const { load } = setup({
      user: { auth: { clientId: 'typed-by-the-user', tenantId: 'contoso.onmicrosoft.com' } },
      policy: { auth: { clientId } },
    });
    const { config, lockedFields } = load();
    expect(config.auth).toMatchObject({
      method: 'delegated',
      clientId,
      tenantId: 'contoso.onmicrosoft.com',
    });
    expect(lockedFields).toEqual(['auth.clientId']);
  });

  it('replaces, not merges, a folder list set by a higher layer', () => {
    const { load } = setup({ user: { folders: [{ id: 'scans', path: '/srv/scans' }] } });
    expect(load().config.folders.map((folder) => folder.id)).toEqual(['scans']);
  });

  it('names the file, the field, the bad value and what is allowed', () => {
    const { load, userConfigPath } = setup({
      user: {
        folders: [{ id: 'scans', path: '/srv/scans', stabilityWindowMs: -5, conflict: 'merge' }],
      },
    });
    const error = problemsOf(load);
    expect(error.problems).toEqual([
      {
        file: userConfigPath,
        field: 'folders[0].stabilityWindowMs',
        message: expect.stringMatching(/at least 0 ms \(got -5\)/),
      },
      {
        file: userConfigPath,
        field: 'folders[0].conflict',
        message: 'must be one of "rename", "replace", "fail" (got "merge")',
      },
    ]);
    expect(error.message).toContain(`${userConfigPath}: folders[0].stabilityWindowMs:`);
    expect(error.message).toContain('docs/configuration.md');
  });

  it('reports unknown keys instead of ignoring them', () => {
    const { load, policyPath } = setup({ policy: { delivery: { concurency: 3 } } });
    const error = problemsOf(load);
    expect(error.problems).toEqual([
      {
        file: policyPath,
        field: 'delivery.concurency',
        message: expect.stringContaining('unknown field'),
      },
    ]);
  });

  it('says a policy file that is not JSON is not JSON, naming it', () => {
    const { load, policyPath } = setup({ policy: '{ "sharepoint": ' });
    const error = problemsOf(load);
    expect(error.problems[0]).toMatchObject({ file: policyPath, field: '(file)' });
    expect(error.problems[0]?.message).toMatch(/is not valid JSON/);
  });

  it("says in plain words what a field must be, instead of the validator's jargon", () => {
    const { load } = setup({
      user: {
        feed: { port: 'eighty' },
        log: { maxFiles: 0 },
        folders: [{ id: 'a', path: '/srv/a', include: [''], recursive: 'yes' }],
      },
    });
    const messages = Object.fromEntries(
      problemsOf(load).problems.map((problem) => [problem.field, problem.message]),
    );
    expect(messages).toEqual({
      'feed.port': 'must be a number (got "eighty")',
      'log.maxFiles': 'must be at least 1 (got 0)',
      'folders[0].include[0]': 'must not be empty (got "")',
      'folders[0].recursive': 'must be true or false (got "yes")',
    });
  });

  it('refuses a chunk size Graph would refuse, saying why', () => {
    const { load } = setup({ user: { delivery: { chunkSizeBytes: 1_000_000 } } });
    expect(problemsOf(load).problems[0]?.message).toMatch(/multiple of 327680 bytes/);
  });

  it('refuses relative folder paths, plain-http site URLs and duplicate folder ids', () => {
    const { load } = setup({
      user: {
        folders: [
          { id: 'a', path: 'relative/path' },
          { id: 'a', path: '/srv/b' },
        ],
        sharepoint: { siteUrl: 'http://contoso.sharepoint.com/sites/x' },
      },
    });
    const fields = problemsOf(load).problems.map((problem) => problem.field);
    expect(fields).toEqual(['folders[0].path', 'folders[1].id', 'sharepoint.siteUrl']);
  });
});
