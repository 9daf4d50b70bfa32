import { describe, expect, it } from 'vitest';
import { ConfigSchema, type Config } from '../../../src/shared/config-schema.ts';
import { limitsOfSetting } from '../../../src/shared/config-units.ts';
import { describeAllowed } from '../../../src/shared/format/setting-entry.ts';
import {
  buildPatch,
  isFieldLocked,
  setAt,
  validateDraft,
} from '../../../src/renderer/views/settings/form/settings-draft.ts';

function config(input: Record<string, unknown> = {}): Config {
  return ConfigSchema.parse({
    sharepoint: { siteUrl: 'https://contoso.sharepoint.com/sites/Office' },
    auth: { tenantId: 'contoso.onmicrosoft.com', clientId: 'app' },
    folders: [{ id: 'requests', path: '/srv/requests' }],
    ...input,
  });
}

describe('the settings patch', () => {
  it('is empty when nothing changed', () => {
    expect(buildPatch(config(), config())).toEqual({});
  });

  it('holds only the changed fields; an emptied optional field becomes null so its default applies', () => {
    const original = config();
    let draft = setAt(
      original,
      ['sharepoint', 'siteUrl'],
      'https://contoso.sharepoint.com/sites/Other',
    );
    draft = setAt(draft, ['auth', 'clientId'], '');
    draft = setAt(draft, ['delivery', 'concurrency'], 2);
    expect(buildPatch(original, draft)).toEqual({
      sharepoint: { siteUrl: 'https://contoso.sharepoint.com/sites/Other' },
      auth: { clientId: null },
      delivery: { concurrency: 2 },
    });
  });

  it('replaces the whole folder list when a folder changed, without fields that repeat defaults', () => {
    const original = config();
    const draft = setAt(original, ['folders', 0, 'stabilityWindowMs'], 5_000);
    expect(buildPatch(original, draft)).toEqual({
      folders: [{ id: 'requests', path: '/srv/requests', stabilityWindowMs: 5_000 }],
    });
  });

  it('leaves the original untouched when a draft is edited', () => {
    const original = config();
    setAt(original, ['sharepoint', 'library'], 'Requests');
    expect(original.sharepoint.library).toBe('Documents');
  });
});

describe('inline validation with the shared schema', () => {
  it('names each bad field with a phrase that follows its label', () => {
    const draft = setAt(
      setAt(config(), ['sharepoint', 'siteUrl'], 'http://contoso'),
      ['folders', 0, 'stabilityWindowMs'],
      -1,
    );
    const problems = validateDraft(draft);
    expect(Object.keys(problems).sort()).toEqual([
      'folders[0].stabilityWindowMs',
      'sharepoint.siteUrl',
    ]);
    const allowed = describeAllowed(
      'duration',
      limitsOfSetting(['folders', 0, 'stabilityWindowMs']),
    );
    expect(problems['folders[0].stabilityWindowMs']).toBe(
      `is too short at -0.001 s; use ${allowed}`,
    );
    expect(validateDraft(config())).toEqual({});
  });

  it('speaks of durations and sizes in their units, never in milliseconds or bytes', () => {
    let draft = setAt(config(), ['delivery', 'requestTimeoutMs'], Number.NaN);
    draft = setAt(draft, ['delivery', 'retry', 'inProcessDelaysMs'], [1_000, 10 ** 9]);
    draft = setAt(draft, ['delivery', 'chunkSizeBytes'], 1_000_000);
    const problems = validateDraft(draft);
    const timeout = describeAllowed('duration', limitsOfSetting(['delivery', 'requestTimeoutMs']));
    expect(problems['delivery.requestTimeoutMs']).toBe(
      `must be a duration such as 90 s, 5 min or 1.5 h: ${timeout}`,
    );
    expect(problems['delivery.retry.inProcessDelaysMs[1]']).toMatch(
      /^is too long at 11 days 13 h 46 min 40 s; use /,
    );
    expect(problems['delivery.chunkSizeBytes']).toBe(
      'must be a multiple of 320 KiB; 1 MB is not: use 960 KiB or 1.25 MiB',
    );
    for (const problem of Object.values(problems)) {
      expect(problem).not.toMatch(/\d\s*ms\b|\d{4,}|bytes/);
    }
  });

  it('treats a field under a locked object as locked', () => {
    expect(isFieldLocked(['sharepoint'], 'sharepoint.siteUrl')).toBe(true);
    expect(isFieldLocked(['folders'], 'folders[0].path')).toBe(true);
    expect(isFieldLocked(['auth.clientId'], 'auth.clientId')).toBe(true);
    expect(isFieldLocked(['auth.clientId'], 'auth.tenantId')).toBe(false);
    expect(isFieldLocked(['sharepoint.site'], 'sharepoint.siteUrl')).toBe(false);
  });
});
