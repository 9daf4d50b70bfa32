import { describe, expect, it } from 'vitest';
import {
  ConfigSchema,
  normalizeAuthorityHost,
  resolveCloudEndpoints,
} from '../../../src/shared/config-schema.ts';

describe('the authority host, normalised in one place', () => {
  it.each([
    ['https://login.microsoftonline.com', 'https://login.microsoftonline.com'],
    ['https://login.microsoftonline.com:443', 'https://login.microsoftonline.com'],
    ['https://login.microsoftonline.com:443/', 'https://login.microsoftonline.com'],
    ['https://login.microsoftonline.com/', 'https://login.microsoftonline.com'],
    ['https://Login.MicrosoftOnline.US:443', 'https://login.microsoftonline.us'],
    [
      'https://login.microsoftonline.com/contoso.onmicrosoft.com',
      'https://login.microsoftonline.com',
    ],
    ['https://login.microsoftonline.com/?x=1#y', 'https://login.microsoftonline.com'],
    ['  https://login.chinacloudapi.cn  ', 'https://login.chinacloudapi.cn'],
    ['https://127.0.0.1:4321', 'https://127.0.0.1:4321'],
    ['https://127.0.0.1:4321/', 'https://127.0.0.1:4321'],
    ['https://[::1]:8443/tenant', 'https://[::1]:8443'],
  ])('%s → %s', (written, normalised) => {
    expect(normalizeAuthorityHost(written)).toBe(normalised);
  });

  it('is what resolveCloudEndpoints hands out, for a custom host and for a cloud', () => {
    const custom = ConfigSchema.parse({
      sharepoint: { cloud: 'custom', authorityHost: 'https://LOGIN.example.com:443/' },
    });
    expect(resolveCloudEndpoints(custom.sharepoint).authorityHost).toBe(
      'https://login.example.com',
    );
    const global = ConfigSchema.parse({});
    expect(resolveCloudEndpoints(global.sharepoint).authorityHost).toBe(
      'https://login.microsoftonline.com',
    );
  });
});
