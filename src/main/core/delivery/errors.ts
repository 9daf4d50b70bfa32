/**
 * The one place where delivery failures are classified: every error that leaves a
 * Graph call, the token endpoint or the local file system becomes a DeliveryError with a kind
 * (what to do about it), a stable code and a sentence a person can act on.
 *
 * Messages never contain a token, a secret or an upload URL: they are built from status codes,
 * Graph error codes and the server's message with every URL's query string removed.
 */
import { CodedError } from '../../../shared/coded-error.ts';

/** What to do about a failure. */
export type DeliveryErrorKind =
  /** Network, 5xx, 429, timeouts: retry (in process, then stored). */
  | 'transient'
  /** 400, 403, 404 site/library, 413, name refused, 507: needs a person; the item fails. */
  | 'permanent'
  /** The token endpoint refused the credentials, or Graph refused a fresh token. */
  | 'auth'
  /** The configuration cannot work (an unknown column, a missing site): fails, reported once. */
  | 'config';

/** The fields of a DeliveryError besides its message. */
export interface DeliveryErrorDetails {
  kind: DeliveryErrorKind;
  /** Stable, dotted, e.g. `graph.throttled`; shown in the UI and stored with the item. */
  code: string;
  httpStatus?: number | null;
  /** Graph's own error code (`activityLimitReached`, `accessDenied`, AADSTS700016, …). */
  graphCode?: string | null;
  /** How long the server asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A classified delivery failure. */
export class DeliveryError extends CodedError {
  readonly kind: DeliveryErrorKind;
  readonly httpStatus: number | null;
  readonly graphCode: string | null;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: DeliveryErrorDetails) {
    super(details.code, message, { cause: details.cause });
    this.kind = details.kind;
    this.httpStatus = details.httpStatus ?? null;
    this.graphCode = details.graphCode ?? null;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Whether this failure may go away by itself (so it is retried). */
  get isTransient(): boolean {
    return this.kind === 'transient';
  }
}

/** What a failed request was doing, for the sentence (never a URL with credentials). */
export interface FailureContext {
  /** e.g. 'resolving the site https://contoso.sharepoint.com/sites/Office'. */
  action: string;
  /** What a 404 means here: the site, the library, or an item that may legitimately be missing. */
  notFound?: 'site' | 'library' | 'item' | 'upload-session';
}

/**
 * Parses a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 *
 * @returns the wait in ms (never negative), or undefined when absent or unreadable.
 */
export function parseRetryAfterMs(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

/** Removes query strings (tempauth, sig, tokens) from every URL in a text. */
export function scrubUrls(text: string): string {
  return text.replace(/(https?:\/\/[^\s?"'#]+)\?[^\s"']*/g, '$1');
}

/**
 * Classifies an HTTP error response from Graph or an upload URL.
 *
 * @param status the HTTP status (≥ 400)
 * @param graphCode `error.code` of the Graph error body, if any
 * @param serverMessage `error.message` of the Graph error body, if any
 */
export function classifyHttpFailure(
  status: number,
  graphCode: string | null,
  serverMessage: string | null,
  retryAfterMs: number | undefined,
  context: FailureContext,
): DeliveryError {
  const said = serverMessage ? ` SharePoint said: "${scrubUrls(serverMessage).slice(0, 300)}"` : '';
  const codeNote = graphCode ? ` (${status} ${graphCode})` : ` (HTTP ${status})`;
  const base = { httpStatus: status, graphCode, retryAfterMs };
  const make = (kind: DeliveryErrorKind, code: string, sentence: string) =>
    new DeliveryError(`${sentence}${codeNote}.${said}`, { ...base, kind, code });

  const serverSide = classifyServerSideFailure(status, context, make);
  if (serverSide) return serverSide;
  if (status === 401) {
    return make(
      'auth',
      'auth.rejected',
      `Microsoft Graph refused a fresh access token while ${context.action}: check that admin consent was granted for the app's Graph permissions (docs/delivery.md, "Least privilege")`,
    );
  }
  if (status === 403) {
    return make(
      'permanent',
      'graph.forbidden',
      `The app is not allowed to write to this site while ${context.action}: grant it Sites.Selected with the "write" role on the site (docs/delivery.md, "Least privilege") or consent Sites.ReadWrite.All`,
    );
  }
  if (status === 404) return classifyNotFound(context, make);
  if (status === 409 && graphCode === 'resourceModified') {
    return make(
      'transient',
      'graph.item-busy',
      `SharePoint is still busy with the file (it changes it right after an upload) while ${context.action}; SiteDrop reads it again and retries, without uploading it again`,
    );
  }
  if (status === 412) {
    return make(
      'transient',
      'graph.item-changed',
      `The file changed in SharePoint since SiteDrop read it while ${context.action}; SiteDrop reads it again and retries`,
    );
  }
  if (status === 409) {
    return make(
      'permanent',
      'graph.conflict',
      `A file with this name already exists while ${context.action} and the folder's conflict setting is "fail": rename or remove the file in SharePoint, or set conflict to "rename" or "replace", then press Retry`,
    );
  }
  if (status === 413) {
    return make(
      'permanent',
      'graph.too-large',
      `SharePoint refused the file as too large while ${context.action}`,
    );
  }
  if (status === 416) {
    return make(
      'transient',
      'upload.range-not-satisfiable',
      `The upload session expected a different byte range while ${context.action}; SiteDrop asks it where it stands`,
    );
  }
  if (status === 423) {
    return make(
      'transient',
      'graph.locked',
      `The file is locked in SharePoint (checked out or open) while ${context.action}; SiteDrop retries later`,
    );
  }
  if (status === 400 && (graphCode === 'invalidPath' || /name/i.test(serverMessage ?? ''))) {
    return make(
      'permanent',
      'graph.name-refused',
      `SharePoint refused the file or folder name while ${context.action}: rename the file (no " * : < > ? / \\ |, no leading or trailing spaces or trailing period)`,
    );
  }
  return make(
    'permanent',
    'graph.bad-request',
    `SharePoint refused the request while ${context.action}`,
  );
}

/** Builds a DeliveryError with the status, Graph code and server sentence of one response. */
type MakeFailure = (kind: DeliveryErrorKind, code: string, sentence: string) => DeliveryError;

/** 429 and 5xx: throttling, an unavailable or broken service, or a full site. */
function classifyServerSideFailure(
  status: number,
  context: FailureContext,
  make: MakeFailure,
): DeliveryError | undefined {
  if (status === 429) {
    return make(
      'transient',
      'graph.throttled',
      `SharePoint is throttling requests while ${context.action}; SiteDrop waits as long as it asks`,
    );
  }
  if (status === 503 || status === 502 || status === 504) {
    return make(
      'transient',
      'graph.unavailable',
      `SharePoint is temporarily unavailable while ${context.action}; SiteDrop retries`,
    );
  }
  if (status === 507) {
    return make(
      'permanent',
      'graph.quota-exceeded',
      `The SharePoint site is out of storage space while ${context.action}; ask a SharePoint admin to raise the site's quota, then press Retry`,
    );
  }
  if (status >= 500) {
    return make(
      'transient',
      'graph.server-error',
      `SharePoint had an internal error while ${context.action}; SiteDrop retries`,
    );
  }
  return undefined;
}

/** 404: what was not found decides whether it is configuration, an expired session or a path. */
function classifyNotFound(context: FailureContext, make: MakeFailure): DeliveryError {
  if (context.notFound === 'site') {
    return make(
      'config',
      'config.site-not-found',
      `The SharePoint site was not found while ${context.action}: check sharepoint.siteUrl (it must be the site's address, e.g. https://contoso.sharepoint.com/sites/Office)`,
    );
  }
  if (context.notFound === 'library') {
    return make(
      'config',
      'config.library-not-found',
      `The document library was not found while ${context.action}: check sharepoint.library or the folder's target.library (the library's display name, e.g. "Documents")`,
    );
  }
  if (context.notFound === 'upload-session') {
    return make(
      'transient',
      'upload.session-expired',
      `The upload session expired or was removed while ${context.action}; SiteDrop starts a new one`,
    );
  }
  return make(
    'permanent',
    'graph.not-found',
    `SharePoint found nothing at the path while ${context.action}`,
  );
}

/** Node's network error codes that mean "try again later". */
const transientNetworkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
]);

/** TLS errors that a retry will not fix: the certificate chain is not trusted. */
const tlsTrustCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Classifies a failure below HTTP (DNS, TCP, TLS, a reset connection). */
export function classifyNetworkFailure(
  error: unknown,
  host: string,
  action: string,
): DeliveryError {
  const code = (error as { code?: unknown }).code;
  const codeText = typeof code === 'string' ? code : 'unknown';
  if (typeof code === 'string' && tlsTrustCodes.has(code)) {
    return new DeliveryError(
      `The TLS certificate of ${host} is not trusted (${codeText}) while ${action}: if a proxy inspects TLS, put its CA certificate in a PEM file and set sharepoint.extraCaFile`,
      { kind: 'config', code: 'network.untrusted-certificate', cause: error },
    );
  }
  const isKnown = typeof code === 'string' && transientNetworkCodes.has(code);
  return new DeliveryError(
    `Could not reach ${host} while ${action} (${isKnown ? codeText : scrubUrls(String((error as Error).message ?? codeText))}); SiteDrop retries`,
    { kind: 'transient', code: 'network.failed', cause: error },
  );
}

/** A request that took longer than its timeout. */
export function timeoutFailure(action: string, timeoutMs: number): DeliveryError {
  return new DeliveryError(
    `SharePoint did not answer within ${Math.round(timeoutMs / 1000)} s while ${action}; SiteDrop retries`,
    { kind: 'transient', code: 'network.timeout' },
  );
}

/** Readable sentences for the Entra ID (AADSTS) errors an app-only client meets. */
const aadstsSentences: Record<string, string> = {
  '7000215':
    'The client secret was refused: it is wrong (perhaps the secret ID instead of its value). Create a new client secret for the app and store it (SITEDROP_CLIENT_SECRET or Settings)',
  '7000222':
    'The client secret has expired. Create a new client secret for the app and store it (SITEDROP_CLIENT_SECRET or Settings)',
  '700016':
    'The app (auth.clientId) was not found in the tenant (auth.tenantId): check both ids, and that the app was consented to in this tenant',
  '90002': 'The tenant (auth.tenantId) was not found: check the tenant id or domain and the cloud',
  '700027':
    'The certificate was refused: upload its public part (.cer) to the app registration and check auth.certificate.thumbprint and the private key',
  '700024': "The client assertion is outside its valid time: check this computer's clock",
  '7000218':
    'No credential was sent: store the client secret or the certificate key (docs/delivery.md)',
  '50027': 'The client assertion was malformed: check the certificate and its private key',
  '1002012': 'The token scope was refused: check sharepoint.graphBaseUrl',
};

/**
 * A sign-in that did not finish within the request timeout: msal-node waits on the network
 * without a deadline of its own (instance discovery, the OpenID configuration, the token), so
 * without this a sign-in service that never answers leaves delivery waiting in silence.
 *
 * @param authority the origin signed in at (never a URL with a query).
 */
export function signInTimeoutFailure(authority: string, timeoutMs: number): DeliveryError {
  return new DeliveryError(
    `Signing in to Microsoft Entra ID did not finish within ${Math.round(timeoutMs / 1000)} s: the sign-in service (${scrubUrls(authority)}) did not answer. Check sharepoint.cloud and sharepoint.authorityHost, and that this computer can reach that host (a proxy or firewall in the way?); SiteDrop tries again`,
    { kind: 'auth', code: 'auth.sign-in-timeout' },
  );
}

/** msal-node's errors about the authority itself, which no retry mends without a person. */
const authoritySentences: Record<string, { code: string; sentence: (host: string) => string }> = {
  untrusted_authority: {
    code: 'auth.untrusted-authority',
    sentence: (host) =>
      `The sign-in authority ${host} could not be confirmed (msal-node asked Microsoft's instance discovery and got no answer for it): check sharepoint.cloud and sharepoint.authorityHost (written as https://host, e.g. https://login.microsoftonline.com)`,
  },
  endpoints_resolution_error: {
    code: 'auth.authority-unreachable',
    sentence: (host) =>
      `The sign-in service at ${host} did not give its OpenID configuration: check sharepoint.cloud, sharepoint.authorityHost and auth.tenantId, and that this computer can reach that host`,
  },
};

/**
 * Classifies a failure to get an access token (msal-node's ServerError / ClientAuthError).
 *
 * AADSTS codes become sentences naming the field to fix; the raw first line is kept for support.
 *
 * @param authorityHost the authority's origin, named in sentences about the authority itself.
 */
export function classifyTokenFailure(
  error: unknown,
  authorityHost = 'the authority',
): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const errorCode = String((error as { errorCode?: unknown }).errorCode ?? '');
  const errorMessage = String(
    (error as { errorMessage?: unknown }).errorMessage ?? (error as Error).message ?? error,
  );
  const aboutAuthority = authoritySentences[errorCode];
  if (aboutAuthority) {
    return new DeliveryError(
      `${aboutAuthority.sentence(scrubUrls(authorityHost))}. (${errorCode})`,
      {
        kind: 'auth',
        code: aboutAuthority.code,
        graphCode: errorCode,
        cause: error,
      },
    );
  }
  if (errorCode === 'network_error' || /network|ECONN|ETIMEDOUT|ENOTFOUND/i.test(errorMessage)) {
    return new DeliveryError(
      `Could not reach the sign-in service (${scrubUrls(errorMessage.split('\n')[0] ?? '')}); SiteDrop retries`,
      { kind: 'transient', code: 'network.failed', cause: error },
    );
  }
  const aadsts = /AADSTS(\d+)/.exec(errorMessage)?.[1];
  const firstLine = scrubUrls(errorMessage.split(/\r?\n/)[0] ?? '').slice(0, 300);
  const sentence =
    (aadsts && aadstsSentences[aadsts]) ??
    'Signing in to Microsoft Entra ID failed: check auth.tenantId, auth.clientId and the secret or certificate';
  return new DeliveryError(`${sentence}. (${errorCode || 'sign-in error'}: ${firstLine})`, {
    kind: 'auth',
    code: aadsts ? `auth.aadsts-${aadsts}` : 'auth.sign-in-failed',
    graphCode: aadsts ? `AADSTS${aadsts}` : errorCode || null,
    cause: error,
  });
}

/** The code of the failure that needs a person to sign in again; items wait queued for it. */
export const signInRequiredCode = 'auth.sign-in-required';

/** The failure that needs a person: items wait queued until someone signs in again. */
export function signInRequiredFailure(cause: unknown): DeliveryError {
  return new DeliveryError(
    'Needs attention: sign in again. SharePoint no longer accepts the sign-in; files wait in the queue until someone signs in with Microsoft (Sign in on the dashboard, or `sitedrop login`)',
    { kind: 'auth', code: signInRequiredCode, cause },
  );
}
