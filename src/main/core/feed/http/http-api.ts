import {
  feedErrorCodes,
  type ErrorMessage,
  type FeedProtocolVersion,
} from '../../../../shared/feed-protocol.ts';
import { errorMessage } from '../commands/index.ts';

/**
 * The protocol version of the HTTP API's messages. Version 2 changed only how the WebSocket
 * frames events, so HTTP replies (and their `v`) are version 1's.
 */
export const httpApiProtocolVersion: FeedProtocolVersion = 1;

/**
 * The body of a refused HTTP request or WebSocket upgrade: an `error` message without a request
 * id, in the HTTP API's version.
 */
export function refusalMessage(code: string, message: string): ErrorMessage {
  return errorMessage(code, message, httpApiProtocolVersion);
}

/** What an API path and method ask for: a command message to parse, or a refusal. */
export type ApiRoute =
  | { kind: 'command'; message: Record<string, unknown> }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: string[] };

interface RouteEntry {
  method: 'GET' | 'POST' | 'PUT';
  pattern: RegExp;
  build(match: RegExpExecArray, query: URLSearchParams, body: Record<string, unknown>): object;
}

const routes: readonly RouteEntry[] = [
  { method: 'GET', pattern: /^\/api\/status$/, build: () => ({ type: 'getStatus' }) },
  { method: 'GET', pattern: /^\/api\/snapshot$/, build: () => ({ type: 'getSnapshot' }) },
  {
    method: 'GET',
    pattern: /^\/api\/items$/,
    build: (_match, query) => ({ type: 'listItems', filter: filterFromQuery(query) }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/items\/([^/]+)$/,
    build: (match) => ({ type: 'getItem', itemId: numberOrText(match[1]) }),
  },
  {
    method: 'POST',
    pattern: /^\/api\/items\/([^/]+)\/retry$/,
    build: (match) => ({ type: 'retryItem', itemId: numberOrText(match[1]) }),
  },
  {
    method: 'POST',
    pattern: /^\/api\/items\/([^/]+)\/cancel$/,
    build: (match) => ({ type: 'cancelItem', itemId: numberOrText(match[1]) }),
  },
  { method: 'POST', pattern: /^\/api\/retry-failed$/, build: () => ({ type: 'retryAllFailed' }) },
  { method: 'POST', pattern: /^\/api\/try-now$/, build: () => ({ type: 'tryNow' }) },
  {
    method: 'GET',
    pattern: /^\/api\/responses$/,
    build: (_match, query) => {
      const limit = query.get('limit');
      return { type: 'listResponses', ...(limit !== null ? { limit: numberOrText(limit) } : {}) };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/responses\/([^/]+)$/,
    build: (match) => ({ type: 'getResponse', responseId: numberOrText(match[1]) }),
  },
  {
    method: 'POST',
    pattern: /^\/api\/responses\/check-now$/,
    build: () => ({ type: 'checkResponsesNow' }),
  },
  {
    method: 'POST',
    pattern: /^\/api\/pause$/,
    build: (_match, _query, body) => ({ type: 'pauseDelivery', folderId: body.folderId ?? null }),
  },
  {
    method: 'POST',
    pattern: /^\/api\/resume$/,
    build: (_match, _query, body) => ({ type: 'resumeDelivery', folderId: body.folderId ?? null }),
  },
  {
    method: 'POST',
    pattern: /^\/api\/test-connection$/,
    build: () => ({ type: 'testConnection' }),
  },
  { method: 'GET', pattern: /^\/api\/settings$/, build: () => ({ type: 'getSettings' }) },
  {
    method: 'PUT',
    pattern: /^\/api\/settings$/,
    build: (_match, _query, body) => ({ ...body, type: 'saveSettings' }),
  },
  { method: 'GET', pattern: /^\/api\/account$/, build: () => ({ type: 'getAccount' }) },
  {
    method: 'POST',
    pattern: /^\/api\/sign-in$/,
    build: (_match, _query, body) => ({ type: 'signIn', method: body.method ?? 'browser' }),
  },
  { method: 'POST', pattern: /^\/api\/sign-in\/cancel$/, build: () => ({ type: 'cancelSignIn' }) },
  { method: 'POST', pattern: /^\/api\/sign-out$/, build: () => ({ type: 'signOut' }) },
  {
    method: 'GET',
    pattern: /^\/api\/sites$/,
    build: (_match, query) => ({
      type: 'listSites',
      ...(query.get('query') !== null ? { query: query.get('query') } : {}),
      ...(query.get('url') !== null ? { url: query.get('url') } : {}),
    }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/sites\/([^/]+)\/libraries$/,
    build: (match) => ({ type: 'listLibraries', siteId: decodeSegment(match[1]) }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/drives\/([^/]+)\/folders$/,
    build: (match, query) => ({
      type: 'listFolders',
      driveId: decodeSegment(match[1]),
      ...(query.get('itemId') !== null ? { itemId: query.get('itemId') } : {}),
    }),
  },
];

/**
 * Maps an HTTP API request to the command message it stands for, so the HTTP API and the
 * WebSocket share one parser and one implementation (docs/feed.md, "HTTP API").
 */
export function routeApiRequest(
  method: string,
  pathname: string,
  query: URLSearchParams,
  body: Record<string, unknown>,
): ApiRoute {
  const matching = routes.filter((route) => route.pattern.test(pathname));
  if (matching.length === 0) return { kind: 'not-found' };
  const route = matching.find((entry) => entry.method === method);
  if (!route) return { kind: 'method-not-allowed', allow: matching.map((entry) => entry.method) };
  const match = route.pattern.exec(pathname) as RegExpExecArray;
  return {
    kind: 'command',
    message: { ...route.build(match, query, body), v: httpApiProtocolVersion, id: 'http' },
  };
}

/** Whether the method carries a JSON body. */
export function hasRequestBody(method: string): boolean {
  return method === 'POST' || method === 'PUT';
}

/** The HTTP status for a protocol error code. */
export function httpStatusForError(code: string): number {
  switch (code) {
    case feedErrorCodes.malformed:
    case feedErrorCodes.unknownType:
    case feedErrorCodes.unsupportedVersion:
      return 400;
    case feedErrorCodes.unauthorized:
      return 401;
    case feedErrorCodes.forbidden:
    case feedErrorCodes.pickerAccessDenied:
    case feedErrorCodes.pickerPermissionMissing:
      return 403;
    case feedErrorCodes.notFound:
    case feedErrorCodes.itemNotFound:
    case feedErrorCodes.folderNotFound:
    case feedErrorCodes.pickerSiteNotFound:
    case feedErrorCodes.responseNotFound:
      return 404;
    case feedErrorCodes.methodNotAllowed:
      return 405;
    case feedErrorCodes.pickerUnavailable:
      return 503;
    case feedErrorCodes.pickerNotSignedIn:
    case feedErrorCodes.itemNotRetryable:
    case feedErrorCodes.itemNotCancellable:
    case feedErrorCodes.settingsLocked:
    case feedErrorCodes.signInUnavailable:
      return 409;
    case feedErrorCodes.signInFailed:
      return 502;
    case feedErrorCodes.tooLarge:
      return 413;
    case feedErrorCodes.settingsInvalid:
      return 422;
    case feedErrorCodes.unavailable:
      return 501;
    default:
      return 500;
  }
}

function filterFromQuery(query: URLSearchParams): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  const states = query
    .getAll('state')
    .flatMap((value) => value.split(','))
    .filter(Boolean);
  if (states.length > 0) filter.states = states;
  const folderId = query.get('folderId');
  if (folderId !== null) filter.folderId = folderId;
  const search = query.get('search');
  if (search !== null && search !== '') filter.search = search;
  const beforeId = query.get('beforeId');
  if (beforeId !== null) filter.beforeId = numberOrText(beforeId);
  const limit = query.get('limit');
  if (limit !== null) filter.limit = numberOrText(limit);
  return filter;
}

/** A percent-encoded path segment decoded (a site id holds commas); unreadable stays as sent. */
function decodeSegment(segment: string | undefined): string | undefined {
  try {
    return segment === undefined ? undefined : decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A decimal integer as a number; anything else stays text, for the schema to refuse by name. */
function numberOrText(value: string | undefined): number | string | undefined {
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : value;
}
