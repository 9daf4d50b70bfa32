// The `scope` parameter of delegated requests: OpenID Connect scopes and Microsoft Graph's
// delegated permissions, bare ("Files.ReadWrite.All") or with the resource in front
// ("https://graph.microsoft.com/Files.ReadWrite.All"), as v2-permissions-and-consent.md describes.

import { AadError } from './aad-error.ts';

const GRAPH_RESOURCES = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/**
 * Graph's delegated permissions the emulator knows (permissions-reference.md); Graph checks
 * them, so an unknown name is refused as Entra refuses a scope the resource does not expose.
 */
const GRAPH_DELEGATED_PERMISSIONS = new Set([
  'User.Read',
  'User.ReadBasic.All',
  'Files.Read',
  'Files.Read.All',
  'Files.ReadWrite',
  'Files.ReadWrite.All',
  'Sites.Read.All',
  'Sites.ReadWrite.All',
  'Sites.Manage.All',
  'Sites.FullControl.All',
  'Sites.Selected',
]);

/** Delegated permissions that allow writing files and list items. */
const WRITE_PERMISSIONS = new Set([
  'Files.ReadWrite',
  'Files.ReadWrite.All',
  'Sites.ReadWrite.All',
  'Sites.Manage.All',
  'Sites.FullControl.All',
  'Sites.Selected',
]);

/** What a request's `scope` asks for. */
export interface RequestedScopes {
  /** Graph permissions, canonical spelling, in the order asked. */
  readonly graph: readonly string[];
  readonly hasOpenId: boolean;
  readonly hasProfile: boolean;
  readonly hasEmail: boolean;
  readonly hasOfflineAccess: boolean;
}

/** The permissions a client's `/.default` stands for when its registration names none. */
export const DEFAULT_DELEGATED_PERMISSIONS = [
  'Files.ReadWrite.All',
  'Sites.ReadWrite.All',
  'User.Read',
];

/** Parse a `scope` parameter; throws `invalid_scope` (AADSTS70011) for a scope Graph does not have. */
export function parseScopes(
  scope: string | null,
  staticPermissions: readonly string[],
): RequestedScopes {
  const names = (scope ?? '').split(/\s+/).filter((name) => name !== '');
  if (names.length === 0) {
    throw new AadError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  }
  const graph: string[] = [];
  const oidc = new Set<string>();
  const add = (permission: string): void => {
    const known = [...GRAPH_DELEGATED_PERMISSIONS].find(
      (name) => name.toLowerCase() === permission.toLowerCase(),
    );
    if (known === undefined) {
      throw new AadError(
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope '${scope ?? ''}' is not valid.`,
      );
    }
    if (!graph.includes(known)) graph.push(known);
  };
  for (const name of names) {
    if (OIDC_SCOPES.has(name.toLowerCase())) {
      oidc.add(name.toLowerCase());
      continue;
    }
    const resource = GRAPH_RESOURCES.find((prefix) => name.toLowerCase().startsWith(`${prefix}/`));
    const permission = resource === undefined ? name : name.slice(resource.length + 1);
    if (resource === undefined && name.includes('/')) {
      throw new AadError(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${name.slice(0, name.lastIndexOf('/'))} was not found in the tenant.`,
      );
    }
    if (permission === '.default') staticPermissions.forEach(add);
    else add(permission);
  }
  // A request for sign-in alone gets a Graph token for User.Read, as Entra issues one.
  if (graph.length === 0) graph.push('User.Read');
  return {
    graph,
    hasOpenId: oidc.has('openid'),
    hasProfile: oidc.has('profile'),
    hasEmail: oidc.has('email'),
    hasOfflineAccess: oidc.has('offline_access'),
  };
}

/**
 * The `scope` a token response reports: the Graph permissions, then the OpenID scopes, without
 * `offline_access` and with `email` beside `openid`, as Entra answers
 * (`"scope": "User.Read profile openid email"`, v2-oauth2-auth-code-flow.md). Bare names matter:
 * msal caches the token under this string.
 */
export function grantedScopeString(scopes: RequestedScopes): string {
  const oidc: string[] = [];
  if (scopes.hasProfile) oidc.push('profile');
  if (scopes.hasOpenId) oidc.push('openid', 'email');
  else if (scopes.hasEmail) oidc.push('email');
  return [...scopes.graph, ...oidc].join(' ');
}

/** Whether the delegated permissions allow writes. */
export function allowsWrites(graphScopes: readonly string[]): boolean {
  return graphScopes.some((scope) => WRITE_PERMISSIONS.has(scope));
}

/** Whether every scope in `wanted` is among `granted`. */
export function isSubset(wanted: readonly string[], granted: readonly string[]): boolean {
  return wanted.every((scope) => granted.includes(scope));
}

/** `scopes` with `permissions` added to its Graph permissions (each once, asked ones first). */
export function withGraphPermissions(
  scopes: RequestedScopes,
  permissions: readonly string[],
): RequestedScopes {
  const graph = [...scopes.graph];
  for (const permission of permissions) if (!graph.includes(permission)) graph.push(permission);
  return { ...scopes, graph };
}
