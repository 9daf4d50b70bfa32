/**
 * For the settings test that signs in with a certificate: a fresh key pair with a self-signed
 * certificate (as tests/integration/delivery/certificate-auth.test.ts makes them), and a Graph
 * emulator, in the test's process, that knows the demo client by that certificate as well as by
 * its secret. (The `sitedrop emulator` command only registers the secret.)
 */
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { generate } from 'selfsigned';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
  type GraphEmulator,
} from '../../../tools/graph-emulator/index.ts';

/** A certificate for the app registration, its private key and its SHA-256 thumbprint. */
export interface TestCertificate {
  certificatePem: string;
  privateKeyPem: string;
  thumbprint: string;
}

/** Makes an RSA key pair and a self-signed certificate for it. */
export async function makeCertificate(name: string): Promise<TestCertificate> {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
  });
  const thumbprint = new X509Certificate(pems.cert).fingerprint256.replaceAll(':', '');
  return { certificatePem: pems.cert, privateKeyPem: pems.private, thumbprint };
}

/** Starts an emulator under `directory` whose demo client accepts `certificatePem` too. */
export async function startCertificateEmulator(
  directory: string,
  certificatePem: string,
): Promise<GraphEmulator> {
  const rootDir = path.join(directory, 'sharepoint-certificate');
  return startGraphEmulator({
    ...buildDefaultEmulatorOptions(rootDir),
    caFile: path.join(directory, 'certificate-emulator-ca.pem'),
    port: 0,
    clients: [
      {
        clientId: DEMO_CLIENT_ID,
        tenantId: DEMO_TENANT_ID,
        secret: DEMO_CLIENT_SECRET,
        certificatePem,
      },
    ],
  });
}
