// GET /{tenant}/oauth2/v2.0/authorize and the pages behind it: validate the request as Entra
// does (v2-oauth2-auth-code-flow.md, "Request an authorization code"), pick an account, consent,
// and answer the app at its redirect URI (form_post as msal-node's loopback requires, or query /
// fragment). Errors about the app itself (unknown app, unregistered redirect URI) are shown in
// the browser and never sent to an unverified redirect URI; all others go to the app.

import type { EmulatorClientOptions } from '../options.ts';
import { readText } from '../http-util.ts';
import type { RequestContext } from '../http-util.ts';
import { randomGuid } from '../ids.ts';
import { AadError, aadErrorFields } from './aad-error.ts';
import { accountPickerPage, consentPage, errorPage, formPostPage, sendHtml } from './pages.ts';
import { findRegistration, isRegisteredRedirectUri, staticPermissions } from './registrations.ts';
import { parseScopes } from './scopes.ts';
import type { AuthorizeRequest, SignInState } from './sign-in-state.ts';
import type { DirectoryUser, UserDirectory } from './users.ts';

/** Name of the browser-session cookie, after Entra's own. */
const SESSION_COOKIE = 'ESTSAUTH';
const PROMPTS = new Set(['login', 'none', 'consent', 'select_account', 'create']);

/** What the authorize pages work with. */
export interface AuthorizeDependencies {
  readonly clients: readonly EmulatorClientOptions[];
  readonly users: UserDirectory;
  readonly state: SignInState;
}

/** Serves the authorize endpoint, the account picker and the consent page. */
export class AuthorizeEndpoint {
  readonly #dependencies: AuthorizeDependencies;

  constructor(dependencies: AuthorizeDependencies) {
    this.#dependencies = dependencies;
  }

  /** `GET /{tenant}/oauth2/v2.0/authorize`. */
  authorize(context: RequestContext, tenant: string): void {
    let request: AuthorizeRequest;
    try {
      const verified = this.#verifyApp(context.query, tenant);
      try {
        request = this.#parseRequest(context, tenant, verified);
      } catch (error) {
        if (!(error instanceof AadError)) throw error;
        return this.#answerError(context, this.#partialRequest(context, tenant, verified), error);
      }
    } catch (error) {
      if (!(error instanceof AadError)) throw error;
      const { description } = aadErrorFields(error, context.clientRequestId, context.origin);
      return sendHtml(context.response, 400, errorPage(description));
    }
    this.#continue(context, request, readCookie(context, SESSION_COOKIE));
  }

  /** `POST /{tenant}/login`: the account picker's choice. */
  async chooseAccount(context: RequestContext, tenant: string): Promise<void> {
    const form = new URLSearchParams(await readText(context.body));
    const request = this.#pendingRequest(context, form);
    if (!request) return;
    const user = this.#dependencies.users.byPrincipalName(form.get('login') ?? '');
    if (!user || !this.#dependencies.users.inTenant(request.tenant).includes(user)) {
      return sendHtml(
        context.response,
        400,
        errorPage(
          `AADSTS50034: The user account ${form.get('login') ?? ''} does not exist in the ${tenant} directory.`,
        ),
      );
    }
    const sessionId = this.#dependencies.state.signInToSession(
      readCookie(context, SESSION_COOKIE),
      user.objectId,
    );
    context.response.setHeader(
      'set-cookie',
      `${SESSION_COOKIE}=${sessionId}; Path=/; Secure; HttpOnly; SameSite=None`,
    );
    request.userObjectId = user.objectId;
    this.#afterSignIn(context, request, user);
  }

  /** `POST /{tenant}/Consent/Set`: Accept or Cancel on the consent page. */
  async setConsent(context: RequestContext): Promise<void> {
    const form = new URLSearchParams(await readText(context.body));
    const request = this.#pendingRequest(context, form);
    if (!request) return;
    const user =
      request.userObjectId === undefined
        ? undefined
        : this.#dependencies.users.byObjectId(request.userObjectId);
    if (!user)
      return sendHtml(
        context.response,
        400,
        errorPage('AADSTS90015: The sign-in request is incomplete.'),
      );
    if (form.get('action') !== 'accept') {
      return this.#answerError(
        context,
        request,
        new AadError(400, 'access_denied', 65004, 'User declined to consent to access the app.'),
      );
    }
    this.#dependencies.state.recordConsent(request.client.clientId, user.objectId);
    this.#answerCode(context, request, user);
  }

  #pendingRequest(context: RequestContext, form: URLSearchParams): AuthorizeRequest | undefined {
    const request = this.#dependencies.state.request(form.get('flow') ?? '');
    if (!request) {
      sendHtml(
        context.response,
        400,
        errorPage(
          'AADSTS90015: The sign-in session has expired or is unknown. Start signing in again.',
        ),
      );
    }
    return request;
  }

  /** Checks whose failure is shown in the browser: tenant, app, redirect URI. */
  #verifyApp(
    query: URLSearchParams,
    tenant: string,
  ): { client: EmulatorClientOptions; redirectUri: string } {
    if (
      !/^(organizations|common|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.test(
        tenant,
      )
    ) {
      throw new AadError(
        400,
        'invalid_tenant',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    const client = findRegistration(this.#dependencies.clients, query.get('client_id'), tenant);
    const redirectUri = query.get('redirect_uri');
    if (redirectUri === null || !isRegisteredRedirectUri(client, redirectUri)) {
      throw new AadError(
        400,
        'invalid_request',
        50011,
        `The redirect URI '${redirectUri ?? ''}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
      );
    }
    return { client, redirectUri };
  }

  #partialRequest(
    context: RequestContext,
    tenant: string,
    verified: { client: EmulatorClientOptions; redirectUri: string },
  ): AuthorizeRequest {
    const mode = context.query.get('response_mode');
    return {
      id: '',
      tenant,
      ...verified,
      responseMode: mode === 'form_post' || mode === 'fragment' ? mode : 'query',
      state: context.query.get('state') ?? undefined,
      nonce: undefined,
      scopes: {
        graph: [],
        hasOpenId: false,
        hasProfile: false,
        hasEmail: false,
        hasOfflineAccess: false,
      },
      codeChallenge: undefined,
      codeChallengeMethod: 'plain',
      prompt: undefined,
      loginHint: undefined,
      correlationId: context.query.get('client-request-id') ?? context.clientRequestId,
    };
  }

  #parseRequest(
    context: RequestContext,
    tenant: string,
    verified: { client: EmulatorClientOptions; redirectUri: string },
  ): AuthorizeRequest {
    const { query } = context;
    const malformed = (detail: string): AadError =>
      new AadError(
        400,
        'invalid_request',
        9002313,
        `Invalid request. Request is malformed or invalid. ${detail}`,
      );
    const responseType = query.get('response_type');
    if (responseType !== 'code') {
      throw new AadError(
        400,
        'unsupported_response_type',
        70005,
        `The response_type '${responseType ?? ''}' is not supported here: only 'code' is.`,
      );
    }
    const responseMode = query.get('response_mode') ?? 'query';
    if (responseMode !== 'form_post' && responseMode !== 'query' && responseMode !== 'fragment') {
      throw malformed(`The response_mode '${responseMode}' is not supported.`);
    }
    const scopes = parseScopes(query.get('scope'), staticPermissions(verified.client));
    const codeChallenge = query.get('code_challenge') ?? undefined;
    const method = query.get('code_challenge_method') ?? 'plain';
    if (method !== 'S256' && method !== 'plain')
      throw malformed(`The code_challenge_method '${method}' is not supported.`);
    if (codeChallenge !== undefined && !/^[A-Za-z0-9._~-]{43,128}$/.test(codeChallenge)) {
      throw new AadError(
        400,
        'invalid_request',
        501491,
        'Invalid size of Code_Challenge parameter.',
      );
    }
    const prompt = query.get('prompt') ?? undefined;
    if (prompt !== undefined && !PROMPTS.has(prompt))
      throw malformed(`The prompt '${prompt}' is not supported.`);
    return this.#dependencies.state.rememberRequest({
      tenant,
      ...verified,
      responseMode,
      state: query.get('state') ?? undefined,
      nonce: query.get('nonce') ?? undefined,
      scopes,
      codeChallenge,
      codeChallengeMethod: method,
      prompt,
      loginHint: query.get('login_hint') ?? undefined,
      correlationId: query.get('client-request-id') ?? context.clientRequestId,
    });
  }

  /** After a valid request: single sign-on from the browser session, prompt=none, or the picker. */
  #continue(
    context: RequestContext,
    request: AuthorizeRequest,
    sessionId: string | undefined,
  ): void {
    const { users, state } = this.#dependencies;
    // A user whose sessions were revoked after signing in here is no longer signed in.
    const signedIn = [...state.sessionUsers(sessionId)]
      .map(([objectId, signedInAtMs]) => ({ user: users.byObjectId(objectId), signedInAtMs }))
      .filter(
        (entry) => entry.user !== undefined && entry.user.tokensValidFromMs <= entry.signedInAtMs,
      )
      .map((entry) => entry.user as DirectoryUser)
      .filter((user) => users.inTenant(request.tenant).includes(user));
    const hinted =
      request.loginHint === undefined
        ? signedIn
        : signedIn.filter(
            (user) => user.userPrincipalName.toLowerCase() === request.loginHint?.toLowerCase(),
          );
    if (request.prompt === 'none') {
      if (hinted.length === 0) {
        return this.#answerError(
          context,
          request,
          new AadError(
            400,
            'login_required',
            50058,
            'A silent sign-in request was sent but no user is signed in.',
          ),
        );
      }
      if (hinted.length > 1) {
        return this.#answerError(
          context,
          request,
          new AadError(
            400,
            'interaction_required',
            16000,
            'SelectUserAccount - More than one account is signed in; the user must choose one.',
          ),
        );
      }
      const [user] = hinted as [DirectoryUser];
      if (this.#needsConsent(request, user)) {
        return this.#answerError(
          context,
          request,
          new AadError(
            400,
            'consent_required',
            65001,
            `The user or administrator has not consented to use the application with ID '${request.client.clientId}'. Send an interactive authorization request for this user and resource.`,
          ),
        );
      }
      return this.#answerCode(context, request, user);
    }
    if (request.prompt === undefined && hinted.length === 1) {
      request.userObjectId = (hinted[0] as DirectoryUser).objectId;
      return this.#afterSignIn(context, request, hinted[0] as DirectoryUser);
    }
    const action = `/${encodeURIComponent(request.tenant)}/login`;
    sendHtml(
      context.response,
      200,
      accountPickerPage(
        action,
        request.id,
        request.client.clientId,
        users.inTenant(request.tenant),
      ),
    );
  }

  #needsConsent(request: AuthorizeRequest, user: DirectoryUser): boolean {
    if (request.prompt === 'consent') return true;
    return (
      request.client.hasAdminConsent === false &&
      !this.#dependencies.state.hasConsent(request.client.clientId, user.objectId)
    );
  }

  #afterSignIn(context: RequestContext, request: AuthorizeRequest, user: DirectoryUser): void {
    if (
      user.tenantId.toLowerCase() !== request.client.tenantId.toLowerCase() &&
      request.client.signInAudience !== 'AzureADMultipleOrgs'
    ) {
      return this.#answerError(
        context,
        request,
        new AadError(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${request.client.clientId}' was not found in the directory '${user.tenantId}'.`,
        ),
      );
    }
    if (this.#needsConsent(request, user)) {
      const action = `/${encodeURIComponent(request.tenant)}/Consent/Set`;
      return sendHtml(
        context.response,
        200,
        consentPage(action, request.id, request.client.clientId, user, request.scopes.graph),
      );
    }
    this.#answerCode(context, request, user);
  }

  #answerCode(context: RequestContext, request: AuthorizeRequest, user: DirectoryUser): void {
    const fields: Record<string, string> = {
      code: this.#dependencies.state.issueCode(request, user.objectId),
    };
    if (request.state !== undefined) fields['state'] = request.state;
    fields['client_info'] = Buffer.from(
      JSON.stringify({ uid: user.objectId, utid: user.tenantId }),
    ).toString('base64url');
    fields['session_state'] = randomGuid();
    this.#answer(context, request, fields);
  }

  #answerError(context: RequestContext, request: AuthorizeRequest, error: AadError): void {
    const described = aadErrorFields(error, request.correlationId, context.origin);
    const fields: Record<string, string> = {
      error: error.error,
      error_description: described.description,
      error_uri: described.errorUri,
    };
    if (request.state !== undefined) fields['state'] = request.state;
    this.#answer(context, request, fields);
  }

  /** Deliver fields to the redirect URI in the request's response mode. */
  #answer(
    context: RequestContext,
    request: AuthorizeRequest,
    fields: Record<string, string>,
  ): void {
    if (request.responseMode === 'form_post') {
      return sendHtml(context.response, 200, formPostPage(request.redirectUri, fields));
    }
    const location = new URL(request.redirectUri);
    const encoded = new URLSearchParams(fields).toString();
    if (request.responseMode === 'fragment') location.hash = encoded;
    else location.search = encoded;
    context.response.writeHead(302, { location: location.toString(), 'content-length': '0' });
    context.response.end();
  }
}

function readCookie(context: RequestContext, name: string): string | undefined {
  const header = context.request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
