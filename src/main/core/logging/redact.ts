/**
 * Removing secrets from text and objects before they reach a log, an error text or a bundle.
 *
 * Two nets: patterns for what secrets look like (bearer tokens, JWTs, PEM keys, secret query
 * parameters), and the literal values the agent knows are secret (the client secret, the feed
 * token, upload-session URLs), registered as it learns them.
 */

const censor = '[redacted]';

const secretPatterns: readonly [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${censor}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, censor],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, censor],
  [
    /\b(tempauth|access_token|refresh_token|client_secret|client_assertion|token|sig|code|password)=([^&\s"'#]+)/gi,
    `$1=${censor}`,
  ],
  [/(#token=)[^&\s"']+/g, `$1${censor}`],
];

/**
 * What every one of secretPatterns needs somewhere in a text: a scheme name, a JWT's start, a
 * PEM armour line, or an `=` of a query parameter.
 */
const mayHoldSecretPattern = /bearer|basic|eyJ|-----BEGIN|=/i;

/** Object keys whose values are secret wherever they appear. */
export const secretKeys: readonly string[] = [
  'authorization',
  'Authorization',
  'clientSecret',
  'client_secret',
  'clientAssertion',
  'client_assertion',
  'secret',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'token',
  'feedToken',
  'privateKey',
  'password',
  'uploadUrl',
  'uploadSessionUrl',
  'cookie',
];

const secretKeySet: ReadonlySet<string> = new Set(secretKeys);

/**
 * A set of known secret values plus the patterns above.
 *
 * Values shorter than 6 characters are not registered: replacing them everywhere would
 * mangle ordinary text and they are not secrets worth the name.
 */
export class SecretRedactor {
  readonly #values = new Set<string>();

  /** Adds a value that must never appear in output. */
  register(value: string | undefined | null): void {
    if (value && value.length >= 6) this.#values.add(value);
  }

  /** Returns text with every known secret and secret-looking token replaced. */
  redactText(text: string): string {
    let result = text;
    for (const value of this.#values) {
      if (result.includes(value)) result = result.split(value).join(censor);
    }
    // Most texts (file paths, messages) hold none of what every pattern needs: one test then
    // spares the five replacements, on a path that runs once per log line.
    if (!mayHoldSecretPattern.test(result)) return result;
    for (const [pattern, replacement] of secretPatterns)
      result = result.replace(pattern, replacement);
    return result;
  }

  /** Deep-copies a value with secret keys censored and strings redacted. */
  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (value === null || typeof value !== 'object' || depth > 8) return value;
    if (value instanceof Error) return this.redactError(value);
    if (Array.isArray(value)) return value.map((entry) => this.redactValue(entry, depth + 1));
    const result: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      result[key] = secretKeySet.has(key) ? censor : this.redactValue(entry, depth + 1);
    }
    return result;
  }

  /** A plain, redacted copy of an error (message, code, stack, cause). */
  redactError(error: Error): Record<string, unknown> {
    const plain: Record<string, unknown> = {
      type: error.name,
      message: this.redactText(error.message),
    };
    const code = (error as { code?: unknown }).code;
    if (code !== undefined) plain.code = code;
    if (error.stack) plain.stack = this.redactText(error.stack);
    if (error.cause !== undefined) plain.cause = this.redactValue(error.cause, 1);
    return plain;
  }
}
