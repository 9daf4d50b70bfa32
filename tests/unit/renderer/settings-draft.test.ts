import { describe, expect, it } from 'vitest';
import { ConfigSchema, type Config } from '../../../src/shared/config-schema.ts';
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
    expect(problems['folders[0].stabilityWindowMs']).toBe('must be at least 0 ms');
    expect(validateDraft(config())).toEqual({});
  });

  it('treats a field under a locked object as locked', () => {
    expect(isFieldLocked(['sharepoint'], 'sharepoint.siteUrl')).toBe(true);
    expect(isFieldLocked(['folders'], 'folders[0].path')).toBe(true);
    expect(isFieldLocked(['auth.clientId'], 'auth.clientId')).toBe(true);
    expect(isFieldLocked(['auth.clientId'], 'auth.tenantId')).toBe(false);
    expect(isFieldLocked(['sharepoint.site'], 'sharepoint.siteUrl')).toBe(false);
  });
});
