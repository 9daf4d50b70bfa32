import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { secretNames } from '../../../src/main/core/platform.ts';
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from '../../../tools/graph-emulator/index.ts';
import { startBench } from './harness.ts';

async function makeCertificate(name: string) {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
  });
  const thumbprint = new X509Certificate(pems.cert).fingerprint256.replaceAll(':', '');
  return { certificatePem: pems.cert, privateKeyPem: pems.private, thumbprint };
}

describe('signing in with a certificate (client assertion)', () => {
  it('delivers with the registered certificate, and says so readably when the key does not match', async () => {
    const registered = await makeCertificate('SiteDrop registered');
    const other = await makeCertificate('SiteDrop other');
    for (const [label, used] of [
      ['registered', registered],
      ['other', other],
    ] as const) {
      const bench = await startBench({
        clientSecret: null,
        emulator: {
          clients: [
            {
              clientId: DEMO_CLIENT_ID,
              tenantId: DEMO_TENANT_ID,
              certificatePem: registered.certificatePem,
            },
          ],
        },
        config: {
          auth: { method: 'certificate', certificate: { thumbprint: used.thumbprint } },
          delivery: { retry: { storedDelayMinMs: 1_000 } },
        },
      });
      await bench.secretStore.set(secretNames.certificateKey, used.privateKeyPem);
      await bench.start();
      // Delivery signs in when it starts; a refused key holds it for the first stored wait (a
      // second here) before the file meets the refusal itself.
      const deadline = Date.now() + 10_000;
      while (bench.delivery.connectionState().status === 'ready' && label === 'other') {
        if (Date.now() > deadline) throw new Error('the refused key was not reported at start');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const item = bench.dropFile(`${label}.txt`, label);
      const done = await bench.waitForState(item.id, ['delivered', 'retrying', 'failed']);
      if (label === 'registered') {
        expect(done.state, done.lastErrorMessage ?? '').toBe('delivered');
      } else {
        expect(done.state).toBe('retrying');
        expect(done.lastErrorCode).toBe('auth.aadsts-700027');
        expect(done.lastErrorMessage).toMatch(/^The certificate was refused/);
        expect(done.lastErrorMessage).not.toContain('PRIVATE KEY');
      }
    }
  }, 60_000);
});
