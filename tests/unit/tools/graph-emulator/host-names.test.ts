import type { LookupFunction } from 'node:net';
import { Agent } from 'node:https';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANT_ID, generateCertificates } from '../../../../tools/graph-emulator/index.ts';
import type { EmulatorCertificates } from '../../../../tools/graph-emulator/index.ts';
import { httpsRequest, requestDemoToken, startTestEmulator } from './emulator-client.ts';
import type { TestEmulator } from './emulator-client.ts';

// The real services' host names, served by the emulator with a certificate the test makes, as a
// scratch environment would (/etc/hosts mapping them to loopback, and a CA the client trusts).
const hostNames = {
  graph: 'graph.microsoft.com',
  login: 'login.microsoftonline.com',
  sharePoint: 'contoso.sharepoint.com',
};

/** Resolve every name to 127.0.0.1, as an /etc/hosts entry would. */
const toLoopback: LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

let test: TestEmulator;
let certificates: EmulatorCertificates;
let agent: Agent;

beforeAll(async () => {
  certificates = await generateCertificates(Object.values(hostNames));
  test = await startTestEmulator({
    hostNames,
    tls: {
      certificatePem: certificates.serverCertificatePem,
      privateKeyPem: certificates.serverPrivateKeyPem,
      caCertificatePem: certificates.caCertificatePem,
    },
  });
  agent = new Agent({ ca: certificates.caCertificatePem, lookup: toLoopback, keepAlive: true });
});

afterAll(async () => {
  agent.destroy();
  await test.close();
});

/** A request to the emulator by its configured names, trusting only the caller's CA. */
function call(url: string, options: Parameters<typeof httpsRequest>[2] = {}) {
  return httpsRequest(agent, url, options);
}

describe('graph emulator under caller-chosen host names and certificate', () => {
  it("RFC 9110 §4.3.4 (https identity): serves the caller's certificate, which verifies against the caller's CA for every host name", async () => {
    expect(test.emulator.caCertificatePem).toBe(certificates.caCertificatePem);
    expect(await readFile(test.emulator.caFile, 'utf8')).toBe(certificates.caCertificatePem);
    expect(new URL(test.emulator.graphBaseUrl).hostname).toBe(hostNames.graph);
    expect(new URL(test.emulator.authorityHost).hostname).toBe(hostNames.login);
    for (const host of Object.values(hostNames)) {
      // Rejected unless the certificate verifies (the agent trusts only the caller's CA).
      const response = await call(`https://${host}:${test.emulator.port}/v1.0/sites/root`);
      expect(response.status).toBe(401);
    }
    const untrusting = new Agent({ lookup: toLoopback });
    try {
      await expect(httpsRequest(untrusting, `${test.emulator.graphBaseUrl}/sites`)).rejects.toThrow(
        /certificate/,
      );
    } finally {
      untrusting.destroy();
    }
  });

  it('openid-configuration (Microsoft identity platform metadata): endpoints are on the login host', async () => {
    const response = await call(
      `${test.emulator.authorityHost}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`,
    );
    const metadata = response.json<{ token_endpoint: string; issuer: string }>();
    expect(new URL(metadata.token_endpoint).hostname).toBe(hostNames.login);
    expect(new URL(metadata.issuer).hostname).toBe(hostNames.login);
  });

  it('driveitem-createuploadsession.md, driveitem-get-content.md, paging: upload, download and @odata links use the configured names', async () => {
    const authorization = `Bearer ${await requestDemoToken(agent, test.emulator.authorityHost)}`;
    const graph = test.emulator.graphBaseUrl;
    const site = await call(`${graph}/sites/contoso.sharepoint.com:/sites/SiteOffice`, {
      headers: { authorization },
    });
    const drives = await call(`${graph}/sites/${site.json<{ id: string }>().id}/drives`, {
      headers: { authorization },
    });
    const driveId = drives.json<{ value: Array<{ id: string }> }>().value[0]?.id ?? '';
    for (const name of ['a.txt', 'b.txt']) {
      const put = await call(`${graph}/drives/${driveId}/root:/Names/${name}:/content`, {
        method: 'PUT',
        headers: { authorization },
        body: name,
      });
      expect(put.status).toBe(201);
    }
    const session = await call(
      `${graph}/drives/${driveId}/root:/Names/big.bin:/createUploadSession`,
      {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: '{}',
      },
    );
    const { uploadUrl, '@odata.context': context } = session.json<{
      uploadUrl: string;
      '@odata.context': string;
    }>();
    expect(new URL(uploadUrl).hostname).toBe(hostNames.sharePoint);
    expect(new URL(context).hostname).toBe(hostNames.graph);
    expect((await call(uploadUrl)).status).toBe(200);

    const page = await call(`${graph}/drives/${driveId}/root:/Names:/children?$top=1`, {
      headers: { authorization },
    });
    const body = page.json<{
      '@odata.nextLink': string;
      value: Array<{ id: string; '@microsoft.graph.downloadUrl': string }>;
    }>();
    expect(new URL(body['@odata.nextLink']).hostname).toBe(hostNames.graph);
    expect(new URL(body.value[0]?.['@microsoft.graph.downloadUrl'] ?? '').hostname).toBe(
      hostNames.sharePoint,
    );
    const redirect = await call(`${graph}/drives/${driveId}/items/${body.value[0]?.id}/content`, {
      headers: { authorization },
    });
    expect(new URL(String(redirect.headers.location)).hostname).toBe(hostNames.sharePoint);
    expect((await call(String(redirect.headers.location))).text).toBe('a.txt');
  });
});
