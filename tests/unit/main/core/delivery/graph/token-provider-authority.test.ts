import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../../../../src/shared/config-schema.ts';
import { MemorySecretStore } from '../../../../../../src/main/cli/demo-command.ts';
import type {
  HttpRequest,
  HttpResponse,
  HttpTransport,
} from '../../../../../../src/main/core/delivery/graph/http-transport.ts';
import { TokenProvider } from '../../../../../../src/main/core/delivery/graph/token-provider.ts';
import { SecretRedactor } from '../../../../../../src/main/core/logging/index.ts';
import { secretNames } from '../../../../../../src/main/core/platform.ts';

const tenantId = '5d1c0a6e-7f3b-4c2a-9e51-0d3e5a7b9c11';

/**
 * The sign-in service of the public cloud, as a transport that answers msal-node's requests (its
 * OpenID configuration and the token endpoint) and records every URL it was asked for.
 */
function publicCloudTransport() {
  const urls: string[] = [];
  const json = (status: number, body: unknown): HttpResponse => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
  });
  const base = `https://login.microsoftonline.com/${tenantId}`;
  const transport = {
    async send(request: HttpRequest): Promise<HttpResponse> {
      urls.push(request.url);
      const url = new URL(request.url);
      if (url.pathname.endsWith('/.well-known/openid-configuration')) {
        return json(200, {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          issuer: `${base}/v2.0`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
        });
      }
      if (url.pathname.endsWith('/oauth2/v2.0/token')) {
        return json(200, { token_type: 'Bearer', expires_in: 3599, access_token: 'token-1' });
      }
      return json(404, { error: 'not_found' });
    },
    close() {},
  };
  return { transport: transport as unknown as HttpTransport, urls };
}

function tokenProviderFor(authorityHost: string, transport: HttpTransport) {
  const config = ConfigSchema.parse({
    sharepoint: {
      siteUrl: 'https://contoso.sharepoint.com/sites/Office',
      cloud: 'custom',
      authorityHost,
      graphBaseUrl: 'https://graph.microsoft.com/v1.0',
    },
    auth: { tenantId, clientId: '3f6b2c1d-8e4a-4b7f-a2c9-5e1d7f3a9b24', method: 'secret' },
  });
  return new TokenProvider({
    config,
    secretStore: new MemorySecretStore({ [secretNames.clientSecret]: 'secret' }),
    redactor: new SecretRedactor(),
    transport,
    logger: pino({ level: 'silent' }),
  });
}

describe('signing in at an authority host written with its default port (real msal-node)', () => {
  it.each([
    'https://login.microsoftonline.com',
    'https://login.microsoftonline.com:443',
    'https://LOGIN.microsoftonline.com:443/',
  ])('%s: signs in at the host itself, with no instance discovery', async (authorityHost) => {
    const { transport, urls } = publicCloudTransport();
    expect(await tokenProviderFor(authorityHost, transport).getToken()).toBe('token-1');
    expect(urls.some((url) => url.includes('discovery/instance'))).toBe(false);
    expect(urls.map((url) => new URL(url).host)).toEqual(
      urls.map(() => 'login.microsoftonline.com'),
    );
    expect(urls.at(-1)?.split('?')[0]).toBe(
      `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`,
    );
  });
});
