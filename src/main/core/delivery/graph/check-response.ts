import {
  DeliveryError,
  classifyHttpFailure,
  parseRetryAfterMs,
  type FailureContext,
} from '../errors.ts';
import type { HttpResponse } from './http-transport.ts';

/**
 * Returns a response whose status is below 400 or listed in `accepted`; throws the classified
 * failure for any other, with the server's Retry-After on 429 and 503 (which the policies' gate
 * then holds every request back for, uploads and downloads alike).
 */
export function checkResponse(
  response: HttpResponse,
  context: FailureContext,
  accepted: readonly number[],
  nowMs: number,
): HttpResponse {
  if (response.status < 400 || accepted.includes(response.status)) return response;
  let graphCode: string | null = null;
  let message: string | null = null;
  try {
    const error = (parseJson(response).error ?? {}) as {
      code?: string;
      message?: string;
      innerError?: { code?: string };
    };
    graphCode = error.innerError?.code === 'invalidPath' ? 'invalidPath' : (error.code ?? null);
    message = error.message ?? null;
  } catch {
    // A non-JSON error body (a proxy's HTML page): the status says enough.
  }
  const retryAfterMs =
    response.status === 429 || response.status === 503
      ? parseRetryAfterMs(response.headers['retry-after'], nowMs)
      : undefined;
  throw classifyHttpFailure(response.status, graphCode, message, retryAfterMs, context);
}

/** The JSON body of a response ({} when empty). */
export function parseJson(response: HttpResponse): Record<string, unknown> {
  if (response.body.length === 0) return {};
  try {
    return JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new DeliveryError(
      `SharePoint answered HTTP ${response.status} with something other than JSON (a proxy in the way?)`,
      { kind: 'transient', code: 'graph.bad-response', httpStatus: response.status },
    );
  }
}
