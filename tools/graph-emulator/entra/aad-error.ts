// Entra ID's error shapes: the token endpoint's JSON body and the fields an authorize request's
// error carries to the redirect URI. The AADSTS code leads error_description, followed by the
// trace id, correlation id and timestamp, as in Microsoft's examples (v2-oauth2-auth-code-flow.md,
// "Error response example").

import { randomGuid } from '../ids.ts';
import { sendJson } from '../http-util.ts';
import type { RequestContext } from '../http-util.ts';

/** An Entra-style OAuth error (AADSTS code in the description), thrown inside the identity side. */
export class AadError extends Error {
  readonly status: number;
  readonly error: string;
  readonly aadstsCode: number;
  /** `suberror`, e.g. 'bad_token', which msal reads to ask for interaction. */
  readonly suberror: string | undefined;

  constructor(
    status: number,
    error: string,
    aadstsCode: number,
    description: string,
    suberror?: string,
  ) {
    super(description);
    this.status = status;
    this.error = error;
    this.aadstsCode = aadstsCode;
    this.suberror = suberror;
  }
}

/** Entra's timestamp format: `2016-01-09 02:02:12Z`. */
function entraTimestamp(): string {
  return new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** The error's fields, as the token endpoint's JSON body and the authorize redirect share them. */
export function aadErrorFields(
  error: AadError,
  correlationId: string,
  origin: string,
): { description: string; timestamp: string; traceId: string; errorUri: string } {
  const timestamp = entraTimestamp();
  const traceId = randomGuid();
  return {
    description: `AADSTS${error.aadstsCode}: ${error.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    timestamp,
    traceId,
    errorUri: `${origin}/error?code=${error.aadstsCode}`,
  };
}

/** Answer a token-endpoint request with Entra's JSON error body. */
export function sendAadError(context: RequestContext, error: AadError): void {
  const fields = aadErrorFields(error, context.clientRequestId, context.origin);
  const body: Record<string, unknown> = {
    error: error.error,
    error_description: fields.description,
    error_codes: [error.aadstsCode],
    timestamp: fields.timestamp,
    trace_id: fields.traceId,
    correlation_id: context.clientRequestId,
    error_uri: fields.errorUri,
  };
  if (error.suberror !== undefined) body['suberror'] = error.suberror;
  sendJson(context, error.status, body, { 'cache-control': 'no-store, no-cache' });
}
