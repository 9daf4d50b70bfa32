// App registrations as the delegated flows see them: which tenants an app signs users in from,
// its public-client redirect URIs, whether public client flows are allowed, and what its
// `/.default` stands for.

import type { EmulatorClientOptions } from '../options.ts';
import { AadError } from './aad-error.ts';
import { DEFAULT_DELEGATED_PERMISSIONS } from './scopes.ts';

const MULTI_TENANT_SEGMENTS = new Set(['organizations', 'common']);

/** Whether the authority's tenant segment is `organizations` or `common`. */
export function isMultiTenantSegment(tenant: string): boolean {
  return MULTI_TENANT_SEGMENTS.has(tenant.toLowerCase());
}

/**
 * The app registration `clientId` asks for through the authority's tenant segment; throws what
 * Entra answers for an unknown app (AADSTS700016) and for a single-tenant app reached through
 * `/organizations` or `/common` (AADSTS50194).
 */
export function findRegistration(
  clients: readonly EmulatorClientOptions[],
  clientId: string | null,
  tenant: string,
): EmulatorClientOptions {
  if (clientId === null || clientId === '') {
    throw new AadError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const client = clients.find(
    (candidate) => candidate.clientId.toLowerCase() === clientId.toLowerCase(),
  );
  const isMultiTenant = client?.signInAudience === 'AzureADMultipleOrgs';
  if (
    !client ||
    (!isMultiTenantSegment(tenant) &&
      !isMultiTenant &&
      client.tenantId.toLowerCase() !== tenant.toLowerCase())
  ) {
    throw new AadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  if (isMultiTenantSegment(tenant) && !isMultiTenant) {
    throw new AadError(
      400,
      'invalid_request',
      50194,
      `Application '${client.clientId}' is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
    );
  }
  return client;
}

/**
 * Whether `redirectUri` matches one of the app's "Mobile and desktop applications" redirect
 * URIs. For `http://localhost` and `http://127.0.0.1` the port is ignored; `http` is refused for
 * any other host (reply-url.md, "Localhost exceptions").
 */
export function isRegisteredRedirectUri(
  client: EmulatorClientOptions,
  redirectUri: string,
): boolean {
  let wanted: URL;
  try {
    wanted = new URL(redirectUri);
  } catch {
    return false;
  }
  const isLoopback = wanted.hostname === 'localhost' || wanted.hostname === '127.0.0.1';
  if (wanted.protocol === 'http:' && !isLoopback) return false;
  return (client.publicClientRedirectUris ?? []).some((registered) => {
    const candidate = new URL(registered);
    if (isLoopback && candidate.protocol === 'http:' && wanted.protocol === 'http:') {
      return candidate.hostname === wanted.hostname && candidate.pathname === wanted.pathname;
    }
    return candidate.href === wanted.href;
  });
}

/** What the app's `/.default` scope stands for: its configured delegated permissions. */
export function staticPermissions(client: EmulatorClientOptions): readonly string[] {
  return client.delegatedPermissions ?? DEFAULT_DELEGATED_PERMISSIONS;
}

/**
 * Refuse a public-client request that carries a client secret or assertion: "Public clients ...
 * must not use secrets or certificates" (v2-oauth2-auth-code-flow.md); Entra answers AADSTS700025.
 */
export function refuseClientCredentials(form: URLSearchParams): void {
  if (form.has('client_secret') || form.has('client_assertion')) {
    throw new AadError(
      400,
      'invalid_client',
      700025,
      "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    );
  }
}
