// The Entra ID side: OpenID metadata, instance discovery, and the v2.0 token endpoint for the
// client-credentials grant (client secret or certificate-signed client assertion); delegated
// sign-in (authorize, device code, code and refresh grants) is routed to entra/. Errors are
// Entra-shaped: {error, error_description: "AADSTS…", error_codes, …}.

import { X509Certificate, constants, createHash, verify } from 'node:crypto';
import type { AccessTokenStore } from './access-tokens.ts';
import type { EmulatorClientOptions } from './options.ts';
import { readText, sendJson } from './http-util.ts';
import type { RequestContext } from './http-util.ts';
import { AadError, sendAadError } from './entra/aad-error.ts';
import { isMultiTenantSegment } from './entra/registrations.ts';
import { SignInService } from './entra/sign-in-service.ts';

/** Allowed clock skew for client assertions, as Entra ID tolerates (seconds). */
const ASSERTION_SKEW_SECONDS = 300;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Serves the identity endpoints for the registered clients. */
export class IdentityService {
  readonly #clients: readonly EmulatorClientOptions[];
  readonly #tokens: AccessTokenStore;
  readonly #tokenLifetimeSeconds: number;
  readonly #signIn: SignInService;

  constructor(options: {
    clients: readonly EmulatorClientOptions[];
    tokens: AccessTokenStore;
    tokenLifetimeSeconds: number;
    signIn: SignInService;
  }) {
    this.#clients = options.clients;
    this.#tokens = options.tokens;
    this.#tokenLifetimeSeconds = options.tokenLifetimeSeconds;
    this.#signIn = options.signIn;
  }

  /** Handle an identity request; returns false when the path is not an identity endpoint. */
  async handle(context: RequestContext): Promise<boolean> {
    const segments = context.rawPath.split('/').slice(1).map(decodeURIComponent);
    const [tenant, ...rest] = segments;
    const route = rest.join('/');
    if (tenant === undefined) return false;
    try {
      if (tenant === 'common' && route === 'discovery/instance' && context.method === 'GET') {
        this.#sendInstanceDiscovery(context);
      } else if (route === 'v2.0/.well-known/openid-configuration' && context.method === 'GET') {
        this.#requireTenant(tenant);
        sendJson(context, 200, openIdConfiguration(context.origin, tenant));
      } else if (route === 'discovery/v2.0/keys' && context.method === 'GET') {
        sendJson(context, 200, { keys: [] });
      } else if (route === 'oauth2/v2.0/token' && context.method === 'POST') {
        await this.#issueToken(context, tenant);
      } else if (await this.#signIn.handle(context, tenant, route)) {
        return true;
      } else {
        return false;
      }
    } catch (error) {
      if (!(error instanceof AadError)) throw error;
      sendAadError(context, error);
    }
    return true;
  }

  #sendInstanceDiscovery(context: RequestContext): void {
    const host = new URL(context.origin).host;
    const authorizationEndpoint = context.query.get('authorization_endpoint') ?? '';
    const tenant = /^https?:\/\/[^/]+\/([^/]+)\//.exec(authorizationEndpoint)?.[1] ?? 'common';
    sendJson(context, 200, {
      tenant_discovery_endpoint: `${context.origin}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  }

  #requireTenant(tenant: string): void {
    const known =
      isMultiTenantSegment(tenant) ||
      this.#clients.some((client) => client.tenantId.toLowerCase() === tenant.toLowerCase()) ||
      this.#signIn.users.inTenant(tenant).length > 0;
    if (!known) {
      throw new AadError(
        400,
        'invalid_tenant',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
  }

  async #issueToken(context: RequestContext, tenant: string): Promise<void> {
    this.#requireTenant(tenant);
    const form = new URLSearchParams(await readText(context.body));
    const grantType = form.get('grant_type');
    if (SignInService.isDelegatedGrant(grantType)) {
      this.#signIn.issueToken(context, tenant, form);
      return;
    }
    if (grantType !== 'client_credentials') {
      throw new AadError(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType ?? ''}'.`,
      );
    }
    const clientId = form.get('client_id') ?? '';
    const client = this.#clients.find(
      (candidate) =>
        candidate.clientId.toLowerCase() === clientId.toLowerCase() &&
        candidate.tenantId.toLowerCase() === tenant.toLowerCase(),
    );
    if (!client) {
      throw new AadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
    const scope = form.get('scope');
    if (scope === null || scope.trim() === '') {
      throw new AadError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'scope'.",
      );
    }
    if (!/^https:\/\/[^/\s]+\/\.default$/.test(scope.trim())) {
      throw new AadError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    this.#authenticateClient(form, client, context.origin, tenant);
    const accessToken = this.#tokens.issue(
      { clientId: client.clientId, tenantId: client.tenantId, canWrite: client.canWrite ?? true },
      this.#tokenLifetimeSeconds,
      context.origin,
    );
    sendJson(
      context,
      200,
      {
        token_type: 'Bearer',
        expires_in: this.#tokenLifetimeSeconds,
        ext_expires_in: this.#tokenLifetimeSeconds,
        access_token: accessToken,
      },
      { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
    );
  }

  #authenticateClient(
    form: URLSearchParams,
    client: EmulatorClientOptions,
    origin: string,
    tenant: string,
  ): void {
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (client.secret === undefined || secret !== client.secret) {
        throw new AadError(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
        );
      }
      return;
    }
    if (assertion !== null) {
      if (form.get('client_assertion_type') !== JWT_BEARER) {
        throw new AadError(
          400,
          'invalid_request',
          900144,
          `The request body must contain the following parameter: 'client_assertion_type' with the value '${JWT_BEARER}'.`,
        );
      }
      verifyClientAssertion(assertion, client, [
        `${origin}/${tenant}/oauth2/v2.0/token`,
        `${origin}/${client.tenantId}/oauth2/v2.0/token`,
        `${origin}/${client.tenantId}/v2.0`,
      ]);
      return;
    }
    throw new AadError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
}

/** Check a client assertion JWT against the client's registered certificates; throws AadError. */
function verifyClientAssertion(
  jwt: string,
  client: EmulatorClientOptions,
  audiences: readonly string[],
): void {
  const malformed = (detail: string) =>
    new AadError(401, 'invalid_client', 50027, `JWT token is invalid or malformed. ${detail}`);
  const [headerPart, payloadPart, signaturePart] = jwt.split('.');
  if (headerPart === undefined || payloadPart === undefined || signaturePart === undefined) {
    throw malformed('It must have three parts.');
  }
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    throw malformed('The header or payload is not base64url JSON.');
  }
  const algorithm = header['alg'];
  if (algorithm !== 'RS256' && algorithm !== 'PS256') {
    throw new AadError(
      401,
      'invalid_client',
      5002738,
      `Invalid JWT token. '${String(algorithm)}' is not a supported signature algorithm. Supported signing algorithms are: 'RS256, PS256'`,
    );
  }
  const thumbprintSha256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
  const thumbprintSha1 = typeof header['x5t'] === 'string' ? header['x5t'] : undefined;
  const presented = thumbprintSha256 ?? thumbprintSha1 ?? '';
  const certificate = registeredCertificates(client).find((candidate) => {
    const der = candidate.raw;
    return thumbprintSha256 !== undefined
      ? createHash('sha256').update(der).digest('base64url') === thumbprintSha256
      : createHash('sha1').update(der).digest('base64url') === thumbprintSha1;
  });
  if (!certificate) {
    throw new AadError(
      401,
      'invalid_client',
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${Buffer.from(presented, 'base64url').toString('hex').toUpperCase()}']`,
    );
  }
  const isValid = verify(
    'sha256',
    Buffer.from(`${headerPart}.${payloadPart}`),
    algorithm === 'PS256'
      ? {
          key: certificate.publicKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_AUTO,
        }
      : { key: certificate.publicKey, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!isValid) {
    throw new AadError(
      401,
      'invalid_client',
      700027,
      'Client assertion failed signature validation.',
    );
  }
  if (payload['iss'] !== client.clientId || payload['sub'] !== client.clientId) {
    throw new AadError(
      401,
      'invalid_client',
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter.",
    );
  }
  if (typeof payload['aud'] !== 'string' || !audiences.includes(payload['aud'])) {
    throw malformed(`The audience '${String(payload['aud'])}' is not the token endpoint.`);
  }
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = payload['exp'];
  const notBefore = payload['nbf'];
  if (
    typeof expiresAt !== 'number' ||
    expiresAt + ASSERTION_SKEW_SECONDS < now ||
    (typeof notBefore === 'number' && notBefore - ASSERTION_SKEW_SECONDS > now)
  ) {
    throw new AadError(
      401,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${new Date(now * 1000).toISOString()}, assertion valid from ${typeof notBefore === 'number' ? new Date(notBefore * 1000).toISOString() : 'unknown'}, expiry time of assertion ${typeof expiresAt === 'number' ? new Date(expiresAt * 1000).toISOString() : 'unknown'}.`,
    );
  }
}

function registeredCertificates(client: EmulatorClientOptions): X509Certificate[] {
  const blocks = client.certificatePem?.match(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
  );
  return (blocks ?? []).map((block) => new X509Certificate(block));
}

/** The OpenID Connect metadata document of a tenant, with this emulator's endpoints. */
function openIdConfiguration(origin: string, tenant: string): Record<string, unknown> {
  return {
    token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    // The multi-tenant documents name no tenant in the issuer: each token names its own.
    issuer: isMultiTenantSegment(tenant) ? `${origin}/{tenantid}/v2.0` : `${origin}/${tenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${origin}/oidc/userinfo`,
    authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${origin}/${tenant}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'ver'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: new URL(origin).host,
    rbac_url: 'https://pas.windows.net',
  };
}
