/** Why a pasted certificate key cannot be used, or undefined when it looks right (or is empty). */
export function describeCertificateKeyProblem(key: string): string | undefined {
  const text = key.trim();
  if (text === '') return undefined;
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text)) {
    return 'must not be encrypted: export it without a password';
  }
  if (
    !/^-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+-----END (RSA |EC )?PRIVATE KEY-----$/.test(
      text,
    )
  ) {
    return 'must be a PEM private key, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----';
  }
  return undefined;
}
