import {
  X509Certificate,
  constants,
  createHash,
  generateKeyPairSync,
  randomUUID,
  sign,
} from 'node:crypto';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
} from '../../../../tools/graph-emulator/index.ts';
import { httpsRequest, startTestEmulator } from './emulator-client.ts';
import type { TestEmulator } from './emulator-client.ts';

const CERT_CLIENT_ID = 'b1f4c1d2-0000-4000-8000-00000000cafe';
const READER_CLIENT_ID = 'c2e5d3f4-0000-4000-8000-0000000feed0';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

let clientCertificate: { cert: string; private: string };
let test: TestEmulator;

beforeAll(async () => {
  clientCertificate = await generate([{ name: 'commonName', value: 'sitedrop-test-client' }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  test = await startTestEmulator({
    clients: [
      { clientId: DEMO_CLIENT_ID, tenantId: DEMO_TENANT_ID, secret: DEMO_CLIENT_SECRET },
      {
        clientId: CERT_CLIENT_ID,
        tenantId: DEMO_TENANT_ID,
        certificatePem: clientCertificate.cert,
      },
      {
        clientId: READER_CLIENT_ID,
        tenantId: DEMO_TENANT_ID,
        secret: 'reader-secret',
        canWrite: false,
      },
    ],
  });
});

afterAll(async () => {
  await test.close();
});

function tokenEndpoint(): string {
  return `${test.emulator.authorityHost}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
}

function requestToken(form: Record<string, string>) {
  return httpsRequest(test.agent, tokenEndpoint(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: GRAPH_SCOPE,
      ...form,
    }).toString(),
  });
}

/** A client assertion as msal-node builds it, signed with `privateKey`. */
function clientAssertion(options: {
  algorithm: 'RS256' | 'PS256';
  privateKey: string;
  certificatePem: string;
  audience?: string;
  issuer?: string;
  expiresInSeconds?: number;
}): string {
  const der = new X509Certificate(options.certificatePem).raw;
  const header =
    options.algorithm === 'PS256'
      ? {
          alg: 'PS256',
          typ: 'JWT',
          'x5t#S256': createHash('sha256').update(der).digest('base64url'),
        }
      : { alg: 'RS256', typ: 'JWT', x5t: createHash('sha1').update(der).digest('base64url') };
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    aud: options.audience ?? tokenEndpoint(),
    iss: options.issuer ?? CERT_CLIENT_ID,
    sub: options.issuer ?? CERT_CLIENT_ID,
    jti: randomUUID(),
    nbf: now,
    exp: now + (options.expiresInSeconds ?? 600),
  };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = sign(
    'sha256',
    Buffer.from(input),
    options.algorithm === 'PS256'
      ? { key: options.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : { key: options.privateKey, padding: constants.RSA_PKCS1_PADDING },
  );
  return `${input}.${signature.toString('base64url')}`;
}

function assertionForm(assertion: string): Record<string, string> {
  return {
    client_id: CERT_CLIENT_ID,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  };
}

describe('graph emulator identity', () => {
  it('publishes OpenID metadata whose issuer and token endpoint are on the emulator', async () => {
    const response = await httpsRequest(
      test.agent,
      `${test.emulator.authorityHost}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`,
    );
    const metadata = response.json<Record<string, string>>();
    expect(response.status).toBe(200);
    expect(metadata['token_endpoint']).toBe(tokenEndpoint());
    expect(metadata['issuer']).toBe(`${test.emulator.authorityHost}/${DEMO_TENANT_ID}/v2.0`);
    expect(metadata).toHaveProperty('authorization_endpoint');
    expect(metadata).toHaveProperty('jwks_uri');
  });

  it('answers instance discovery with its own host as the only alias', async () => {
    const authorize = `${test.emulator.authorityHost}/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`;
    const response = await httpsRequest(
      test.agent,
      `${test.emulator.authorityHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authorize)}`,
    );
    const host = new URL(test.emulator.authorityHost).host;
    expect(response.json()).toMatchObject({
      tenant_discovery_endpoint: `${test.emulator.authorityHost}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`,
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  });

  it('issues a bearer token for the right client secret', async () => {
    const response = await requestToken({
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
    });
    const body = response.json();
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    expect(typeof body['access_token']).toBe('string');
  });

  it('rejects a wrong secret with AADSTS7000215 and status 401', async () => {
    const response = await requestToken({
      client_id: DEMO_CLIENT_ID,
      client_secret: 'not-the-secret',
    });
    const body = response.json<{
      error: string;
      error_description: string;
      error_codes: number[];
    }>();
    expect(response.status).toBe(401);
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/);
    expect(body.error_codes).toEqual([7000215]);
  });

  it('rejects an unknown client with AADSTS700016', async () => {
    const response = await requestToken({ client_id: randomUUID(), client_secret: 'x' });
    expect(response.status).toBe(400);
    expect(response.json()['error_description']).toMatch(/^AADSTS700016:/);
  });

  it('rejects an unknown tenant with AADSTS90002', async () => {
    const response = await httpsRequest(
      test.agent,
      `${test.emulator.authorityHost}/${randomUUID()}/oauth2/v2.0/token`,
      {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: DEMO_CLIENT_ID,
        }).toString(),
      },
    );
    expect(response.status).toBe(400);
    expect(response.json()['error_description']).toMatch(/^AADSTS90002:/);
  });

  it('requires a /.default scope for client credentials', async () => {
    const response = await requestToken({
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      scope: 'Sites.ReadWrite.All',
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it.each(['RS256', 'PS256'] as const)(
    'issues a token for a certificate assertion signed %s',
    async (algorithm) => {
      const assertion = clientAssertion({
        algorithm,
        privateKey: clientCertificate.private,
        certificatePem: clientCertificate.cert,
      });
      const response = await requestToken(assertionForm(assertion));
      expect(response.status).toBe(200);
      expect(response.json()['token_type']).toBe('Bearer');
    },
  );

  it('rejects an assertion whose signature was made with another key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const assertion = clientAssertion({
      algorithm: 'PS256',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      certificatePem: clientCertificate.cert,
    });
    const response = await requestToken(assertionForm(assertion));
    expect(response.status).toBe(401);
    expect(response.json()['error_description']).toMatch(
      /^AADSTS700027: Client assertion failed signature validation/,
    );
  });

  it('rejects an assertion for a certificate that is not registered', async () => {
    const other = await generate([{ name: 'commonName', value: 'stranger' }], {
      keySize: 2048,
      algorithm: 'sha256',
    });
    const assertion = clientAssertion({
      algorithm: 'RS256',
      privateKey: other.private,
      certificatePem: other.cert,
    });
    const response = await requestToken(assertionForm(assertion));
    expect(response.status).toBe(401);
    expect(response.json()['error_description']).toMatch(/not registered on application/);
  });

  it('rejects an expired assertion and one issued for another client', async () => {
    const expired = clientAssertion({
      algorithm: 'RS256',
      privateKey: clientCertificate.private,
      certificatePem: clientCertificate.cert,
      expiresInSeconds: -3600,
    });
    expect((await requestToken(assertionForm(expired))).json()['error_description']).toMatch(
      /^AADSTS700024:/,
    );
    const foreign = clientAssertion({
      algorithm: 'RS256',
      privateKey: clientCertificate.private,
      certificatePem: clientCertificate.cert,
      issuer: DEMO_CLIENT_ID,
    });
    expect((await requestToken(assertionForm(foreign))).json()['error_description']).toMatch(
      /^AADSTS700021:/,
    );
  });

  it('answers Graph calls without a valid bearer token with 401 InvalidAuthenticationToken', async () => {
    const missing = await test.call('/v1.0/sites/contoso.sharepoint.com:/sites/SiteOffice', {
      auth: false,
    });
    expect(missing.status).toBe(401);
    expect(missing.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    const forged = await test.call('/v1.0/sites/contoso.sharepoint.com:/sites/SiteOffice', {
      headers: { authorization: 'Bearer forged.token.value' },
    });
    expect(forged.status).toBe(401);
  });

  it('lets a read-only client read but answers its writes with 403 accessDenied', async () => {
    const token = (
      await requestToken({ client_id: READER_CLIENT_ID, client_secret: 'reader-secret' })
    ).json()['access_token'] as string;
    const driveId = await test.driveId();
    const headers = { authorization: `Bearer ${token}` };
    expect((await test.call(`/v1.0/drives/${driveId}/root`, { headers })).status).toBe(200);
    const write = await test.call(`/v1.0/drives/${driveId}/root:/x.txt:/content`, {
      method: 'PUT',
      headers,
      body: 'x',
    });
    expect(write.status).toBe(403);
    expect(write.json()).toMatchObject({ error: { code: 'accessDenied' } });
  });
});

describe('graph emulator token lifetime', () => {
  it('answers 401 with an "expired" message once the token lifetime has passed', async () => {
    const shortLived = await startTestEmulator({ tokenLifetimeSeconds: 1 });
    try {
      const driveId = await shortLived.driveId();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const response = await shortLived.call(`/v1.0/drives/${driveId}`);
      expect(response.status).toBe(401);
      expect(response.json()).toMatchObject({
        error: {
          code: 'InvalidAuthenticationToken',
          message: expect.stringMatching(/expired/) as unknown,
        },
      });
    } finally {
      await shortLived.close();
    }
  });
});
