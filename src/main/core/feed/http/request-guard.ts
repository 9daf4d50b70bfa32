import type { IncomingHttpHeaders } from 'node:http';
import { feedTokenSubprotocolPrefix } from '../../../../shared/feed-protocol.ts';
import { isSameToken } from '../feed-token.ts';

/** Why a request is refused: the HTTP status and a sentence that names the fix. */
export interface Refusal {
  status: 401 | 403;
  message: string;
}

/** What a request must match besides its token. */
export interface GuardOptions {
  port: number;
  /** Extra origins allowed besides http://127.0.0.1:PORT and http://localhost:PORT. */
  allowedOrigins: readonly string[];
}

/**
 * Refuses a request whose Host is not this port on a loopback name (DNS rebinding), or whose
 * Origin, when present, is not the agent's own page or an allowed shell origin (a foreign page
 * in the user's browser). Returns undefined when the request may go on.
 */
export function checkHostAndOrigin(
  headers: IncomingHttpHeaders,
  options: GuardOptions,
): Refusal | undefined {
  const hosts = [`127.0.0.1:${options.port}`, `localhost:${options.port}`];
  const host = headers.host?.toLowerCase();
  if (host === undefined || !hosts.includes(host)) {
    return {
      status: 403,
      message: `The Host header must be 127.0.0.1:${options.port} or localhost:${options.port}; open the dashboard at http://127.0.0.1:${options.port}/.`,
    };
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    const allowed = [...hosts.map((name) => `http://${name}`), ...options.allowedOrigins];
    if (!allowed.includes(origin.toLowerCase())) {
      return {
        status: 403,
        message: `Requests from the page ${JSON.stringify(origin)} are not allowed; only the SiteDrop dashboard may use this port.`,
      };
    }
  }
  return undefined;
}

/**
 * Refuses a request without the right token: `Authorization: Bearer <token>`, or for a
 * WebSocket the subprotocol `token.<token>` (browsers cannot set headers on a WebSocket).
 */
export function checkToken(
  headers: IncomingHttpHeaders,
  token: string,
  isWebSocket: boolean,
): Refusal | undefined {
  const given = bearerToken(headers) ?? (isWebSocket ? subprotocolToken(headers) : undefined);
  if (given !== undefined && isSameToken(token, given)) return undefined;
  return {
    status: 401,
    message:
      given === undefined
        ? 'The feed token is missing: send it as "Authorization: Bearer <token>" (or, for the WebSocket, the subprotocol "token.<token>"). It is in the data directory\'s feed-token file.'
        : "The feed token is wrong: use the one in the data directory's feed-token file (the agent's Dashboard line carries it).",
  };
}

/** The subprotocols a WebSocket client offered, in order. */
export function offeredSubprotocols(headers: IncomingHttpHeaders): string[] {
  return (headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol.length > 0);
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

function subprotocolToken(headers: IncomingHttpHeaders): string | undefined {
  const offered = offeredSubprotocols(headers).find((protocol) =>
    protocol.startsWith(feedTokenSubprotocolPrefix),
  );
  return offered?.slice(feedTokenSubprotocolPrefix.length);
}
