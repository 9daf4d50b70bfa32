import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtInDefaults,
  isFieldLocked,
  loadConfig,
} from '../../../../../src/main/core/config/index.ts';
import { resolveResponseMappings } from '../../../../../src/main/core/responses/index.ts';
import { ConfigSchema, type ConfigInput } from '../../../../../src/shared/config-schema.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';

const home = '/home/site';

function load(user?: ConfigInput, policy?: ConfigInput) {
  const dir = makeTempDir();
  const userConfigPath = path.join(dir, 'config.json');
  const policyPath = path.join(dir, 'policy.json');
  if (user) fs.writeFileSync(userConfigPath, JSON.stringify(user));
  if (policy) fs.writeFileSync(policyPath, JSON.stringify(policy));
  return loadConfig({ defaults: builtInDefaults(home), userConfigPath, policyPath });
}

describe('responses mappings', () => {
  it('are on for a new install: Responses/<target path> into ~/SiteDrop/Responses', () => {
    const { config } = load();
    expect(resolveResponseMappings(config, home)).toEqual([
      {
        mappingId: 'requests',
        library: 'Documents',
        remotePath: 'Responses',
        localFolder: path.join(home, 'SiteDrop', 'Responses'),
        maxSizeBytes: 2 * 1024 * 1024 * 1024,
        alsoBringExisting: false,
      },
    ]);
    expect(config.responses.pollIntervalMs).toBe(60_000);
  });

  it('stay off for the folders an existing config lists', () => {
    const { config } = load({
      folders: [{ id: 'site-a', path: '/srv/site-a', target: { folderPath: 'Site A' } }],
    });
    expect(resolveResponseMappings(config, home)).toEqual([]);
  });

  it('take the folder target path, library and the settings given', () => {
    const { config } = load({
      sharepoint: { library: 'Shared Documents' },
      folders: [
        {
          id: 'site-a',
          path: '/srv/site-a',
          target: { folderPath: 'Sites/A', library: 'Requests' },
          responses: { enabled: true, alsoBringExisting: true },
        },
        {
          id: 'site-b',
          path: '/srv/site-b',
          responses: {
            enabled: true,
            library: 'Answers',
            remotePath: 'From head office/B',
            localFolder: '/srv/answers-b',
            requestIdColumn: 'RequestId',
          },
        },
      ],
    });
    expect(resolveResponseMappings(config, home)).toMatchObject([
      {
        mappingId: 'site-a',
        library: 'Requests',
        remotePath: 'Responses/Sites/A',
        localFolder: path.join(home, 'SiteDrop', 'Responses'),
        alsoBringExisting: true,
      },
      {
        mappingId: 'site-b',
        library: 'Answers',
        remotePath: 'From head office/B',
        localFolder: '/srv/answers-b',
        alsoBringExisting: false,
        requestIdColumn: 'RequestId',
      },
    ]);
  });

  it('are set and locked by a policy that lists the folders', () => {
    const { config, lockedFields } = load(
      { folders: [{ id: 'site-a', path: '/srv/site-a' }] },
      {
        folders: [
          {
            id: 'site-a',
            path: '/srv/site-a',
            responses: { enabled: true, localFolder: '/srv/answers' },
          },
        ],
      },
    );
    expect(resolveResponseMappings(config, home)[0]?.localFolder).toBe('/srv/answers');
    expect(isFieldLocked(lockedFields, 'folders[0].responses.localFolder')).toBe(true);
    expect(isFieldLocked(lockedFields, 'folders[0].responses.remotePath')).toBe(true);
  });

  it.each([
    [{ responses: { pollIntervalMs: 14_999 } }, 'at least 15000 ms'],
    [{ responses: { pollIntervalMs: 3_600_001 } }, 'at most 3600000 ms'],
    [
      { folders: [{ id: 'a', path: '/a', responses: { remotePath: '../escape' } }] },
      "must not contain '.' or '..' segments",
    ],
    [
      { folders: [{ id: 'a', path: '/a', responses: { localFolder: 'relative/answers' } }] },
      'must be an absolute path',
    ],
    [
      { folders: [{ id: 'a', path: '/a', responses: { requestIdColumn: 'Request Id' } }] },
      "must be a column's internal name, e.g. RequestId",
    ],
  ])('refuse %j: %s', (input, message) => {
    const result = ConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join('; ')).toContain(message);
  });
});
