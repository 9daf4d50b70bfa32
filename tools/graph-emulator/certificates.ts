// The emulator's TLS identity: a throwaway CA and a server certificate it signs for 127.0.0.1,
// localhost and ::1. Clients trust the CA PEM (written to a file) and nothing else changes.

import { generate } from 'selfsigned';

/** PEM material of the emulator's CA and server certificate. */
export interface EmulatorCertificates {
  caCertificatePem: string;
  serverCertificatePem: string;
  serverPrivateKeyPem: string;
}

let cached: Promise<EmulatorCertificates> | undefined;

/**
 * Generate (once per process) a CA and a server certificate signed by it.
 *
 * EC P-256 keys keep generation fast; every emulator in one process shares the same pair, which
 * is harmless because each emulator only ever listens on loopback. Valid for 30 days.
 */
export function getEmulatorCertificates(): Promise<EmulatorCertificates> {
  cached ??= generateCertificates().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function generateCertificates(): Promise<EmulatorCertificates> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 30 * 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'SiteDrop Graph Emulator CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      {
        name: 'keyUsage',
        keyCertSign: true,
        cRLSign: true,
        digitalSignature: true,
        critical: true,
      },
    ],
  });
  const server = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return {
    caCertificatePem: ca.cert,
    serverCertificatePem: server.cert,
    serverPrivateKeyPem: server.private,
  };
}
