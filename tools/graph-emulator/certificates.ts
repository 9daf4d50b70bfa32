// The emulator's TLS identity: a throwaway CA and a server certificate it signs for 127.0.0.1,
// localhost and ::1. Clients trust the CA PEM (written to a file) and nothing else changes.

import { isIP } from 'node:net';
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
  cached ??= generateCertificates(['127.0.0.1', '::1', 'localhost']).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/**
 * Make a fresh CA and a server certificate it signs for `names` (IP addresses or DNS names), EC
 * P-256, valid for 30 days. Also for a harness that serves the emulator under other host names
 * (option `tls`).
 */
export async function generateCertificates(
  names: readonly string[],
): Promise<EmulatorCertificates> {
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
  const server = await generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
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
        altNames: names.map((name) =>
          isIP(name) === 0 ? { type: 2, value: name } : { type: 7, ip: name },
        ),
      },
    ],
  });
  return {
    caCertificatePem: ca.cert,
    serverCertificatePem: server.cert,
    serverPrivateKeyPem: server.private,
  };
}
