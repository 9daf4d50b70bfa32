// Microsoft's Graph SDK (@microsoft/microsoft-graph-client) downloads through the emulator's
// 302 unchanged: its RedirectHandler follows the Location to the SharePoint host and drops the
// Authorization header there, which the download URL refuses (driveitem-get-content.md).

import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { Client, ResponseType } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../helpers/wait-for.ts';
import { startTestEmulator } from './emulator-client.ts';
import type { TestEmulator } from './emulator-client.ts';

let test: TestEmulator;
let client: Client;
let defaultCertificates: string[];

beforeAll(async () => {
  test = await startTestEmulator();
  defaultCertificates = tls.getCACertificates('default');
  // The SDK sends with global fetch, which trusts the process's default CA list.
  tls.setDefaultCACertificates([...defaultCertificates, test.emulator.caCertificatePem]);
  const token = await test.token();
  client = Client.init({
    baseUrl: `${test.emulator.authorityHost}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(test.emulator.authorityHost).hostname]),
    authProvider: (done) => done(null, token),
  });
});

afterAll(async () => {
  tls.setDefaultCACertificates(defaultCertificates);
  await test.close();
});

describe('Microsoft Graph SDK download (driveitem-get-content.md)', () => {
  it('driveitem-get-content.md: the SDK follows the 302 to the download URL without its token and gets the bytes', async () => {
    const driveId = await test.driveId();
    const bytes = randomBytes(70_000);
    const put = await test.call(`/v1.0/drives/${driveId}/root:/SDK/answer.bin:/content`, {
      method: 'PUT',
      body: bytes,
    });
    const { id } = put.json<{ id: string }>();
    const body = (await client
      .api(`/drives/${driveId}/items/${id}/content`)
      .responseType(ResponseType.ARRAYBUFFER)
      .get()) as ArrayBuffer;
    expect(Buffer.from(body).equals(bytes)).toBe(true);
    // One request to the download URL, answered 200 (the log completes a record on close).
    await waitFor(
      () =>
        test.emulator.requestLog
          .filter((record) => record.path.startsWith('/_download/'))
          .map((record) => record.status)
          .join() === '200',
      { timeoutMs: 2_000, intervalMs: 10, description: 'the download URL answered 200 once' },
    );
  });
});
