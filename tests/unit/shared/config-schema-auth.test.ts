import { describe, expect, it } from 'vitest';
import {
  authorityOf,
  ConfigSchema,
  isTenantConfigured,
} from '../../../src/shared/config-schema.ts';

const siteUrl = 'https://contoso.sharepoint.com/sites/Office';
const clientId = '3f6b2c1d-8e4a-4b7f-a2c9-5e1d7f3a9b24';
const tenantId = '5d1c0a6e-7f3b-4c2a-9e51-0d3e5a7b9c11';

describe('the auth section of the config', () => {
  it('signs in as a user (delegated) in a new install', () => {
    expect(ConfigSchema.parse({}).auth.method).toBe('delegated');
    expect(ConfigSchema.parse({ auth: { clientId } }).auth.method).toBe('delegated');
  });

  it('keeps app-only for a config written when the certificate was the default', () => {
    const byThumbprint = {
      auth: { tenantId, clientId, certificate: { thumbprint: 'A'.repeat(40) } },
    };
    const byPath = { auth: { tenantId, clientId, certificate: { path: '/etc/sitedrop/app.crt' } } };
    expect(ConfigSchema.parse(byThumbprint).auth.method).toBe('certificate');
    expect(ConfigSchema.parse(byPath).auth.method).toBe('certificate');
    expect(ConfigSchema.parse({ auth: { method: 'secret' } }).auth.method).toBe('secret');
  });

  it('refuses a sign-in method it does not know, naming the allowed ones', () => {
    const result = ConfigSchema.safeParse({ auth: { method: 'password' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/delegated.*certificate.*secret/);
  });

  it('signs a delegated user in against organizations, or the tenant that narrows it', () => {
    const anyWorkAccount = ConfigSchema.parse({ auth: { clientId } });
    expect(authorityOf(anyWorkAccount)).toBe('https://login.microsoftonline.com/organizations');
    const oneTenant = ConfigSchema.parse({ auth: { clientId, tenantId } });
    expect(authorityOf(oneTenant)).toBe(`https://login.microsoftonline.com/${tenantId}`);
  });

  it('needs a tenant for app-only but not for delegated sign-in', () => {
    const sharepoint = { siteUrl };
    expect(isTenantConfigured(ConfigSchema.parse({ sharepoint, auth: { clientId } }))).toBe(true);
    expect(
      isTenantConfigured(ConfigSchema.parse({ sharepoint, auth: { clientId, method: 'secret' } })),
    ).toBe(false);
    expect(
      isTenantConfigured(
        ConfigSchema.parse({ sharepoint, auth: { clientId, tenantId, method: 'secret' } }),
      ),
    ).toBe(true);
    expect(isTenantConfigured(ConfigSchema.parse({ sharepoint, auth: {} }))).toBe(false);
  });
});
