import fs from 'node:fs';
import { X509Certificate } from 'node:crypto';
import {
  ConfidentialClientApplication,
  LogLevel,
  type Configuration,
  type ICachePlugin,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import {
  authorityOf,
  resolveCloudEndpoints,
  type Config,
} from '../../../../shared/config-schema.ts';
import type { Logger, SecretRedactor } from '../../logging/index.ts';
import { secretNames, type SecretStore } from '../../platform.ts';
import { DeliveryError, classifyTokenFailure, signInTimeoutFailure } from '../errors.ts';
import type { HttpTransport } from './http-transport.ts';

/** Options of the TokenProvider. */
export interface TokenProviderOptions {
  config: Config;
  secretStore: SecretStore;
  redactor: SecretRedactor;
  transport: HttpTransport;
  logger: Logger;
}

/**
 * A token is used from memory until this long before it expires, then msal is asked again:
 * msal-node's own renewal offset (tokenRenewalOffsetSeconds, 300 s), so msal would renew it
 * at that point too.
 */
const renewBeforeExpiryMs = 5 * 60_000;

/** The credential an app-only client signs in with. */
type Credential =
  | { kind: 'secret'; clientSecret: string }
  | { kind: 'certificate'; privateKey: string; thumbprint: string };

/**
 * App-only access tokens for Graph (client credentials) through msal-node 7's
 * ConfidentialClientApplication, with its token cache kept in the secret store.
 *
 * msal-node refreshes a cached token before it expires (its renewal offset is 5 minutes);
 * `getToken({ isFresh: true })` skips the cache after Graph answered 401. Tokens and the client
 * secret are registered with the logger's redactor as soon as they are known.
 *
 * The last token is also kept in memory until msal would renew it: msal's cache lookup reads
 * the secret store, deserializes the cache and searches it on every call, CPU that every Graph
 * request would pay (docs/performance.md, "Why the code is shaped so", Delivery).
 */
export class TokenProvider {
  readonly #options: TokenProviderOptions;
  readonly #scope: string;
  /** How long one sign-in may take, discovery included (signInTimeoutMs). */
  readonly #timeoutMs: number;
  #application: ConfidentialClientApplication | undefined;
  #credentialKey: string | undefined;
  /** The acquisition in flight, which concurrent callers join instead of starting their own. */
  #pending: { promise: Promise<string>; isFresh: boolean } | undefined;
  /** The last token and when to ask msal again (epoch ms). */
  #held: { token: string; renewAtMs: number } | undefined;
  /** Counts fresh requests: a token acquired before a 401's fresh request is never held. */
  #generation = 0;

  constructor(options: TokenProviderOptions) {
    this.#options = options;
    const { graphBaseUrl } = resolveCloudEndpoints(options.config.sharepoint);
    this.#scope = `${new URL(graphBaseUrl).origin}/.default`;
    this.#timeoutMs = signInTimeoutMs(options.config.delivery.requestTimeoutMs);
  }

  /**
   * Whether a credential is stored (the client secret, or the certificate key).
   *
   * Read each time, so storing the secret later starts delivery without a restart.
   */
  async hasCredential(): Promise<boolean> {
    // An app-only client holds no signed-in person's account.
    if (this.#options.config.auth.method === 'delegated') return false;
    const name =
      this.#options.config.auth.method === 'secret'
        ? secretNames.clientSecret
        : secretNames.certificateKey;
    return Boolean(await this.#options.secretStore.get(name));
  }

  /**
   * An access token for Graph.
   *
   * Concurrent calls share one acquisition: eight workers starting at once, each with an empty
   * cache, would otherwise send eight token requests. A fresh call joins only a fresh
   * acquisition (one that started after its 401), never one that may answer from the cache.
   *
   * @throws DeliveryError: `auth` when the credentials are refused or missing, `transient` when
   *   the sign-in service cannot be reached.
   */
  getToken(options: { isFresh?: boolean } = {}): Promise<string> {
    const isFresh = options.isFresh ?? false;
    if (isFresh) {
      this.#held = undefined;
      this.#generation += 1;
    } else if (this.#held && Date.now() < this.#held.renewAtMs) {
      return Promise.resolve(this.#held.token);
    }
    const pending = this.#pending;
    if (pending && (pending.isFresh || !isFresh)) return pending.promise;
    const promise = this.#acquireToken(isFresh).finally(() => {
      if (this.#pending?.promise === promise) this.#pending = undefined;
    });
    this.#pending = { promise, isFresh };
    return promise;
  }

  async #acquireToken(isFresh: boolean): Promise<string> {
    const generation = this.#generation;
    const application = await this.#getApplication();
    const { authorityHost } = resolveCloudEndpoints(this.#options.config.sharepoint);
    let result;
    try {
      result = await withDeadline(
        application.acquireTokenByClientCredential({ scopes: [this.#scope], skipCache: isFresh }),
        this.#timeoutMs,
        () => signInTimeoutFailure(authorityHost, this.#timeoutMs),
      );
    } catch (error) {
      throw classifyTokenFailure(error, authorityHost);
    }
    if (!result?.accessToken) {
      throw new DeliveryError('The sign-in service returned no access token', {
        kind: 'auth',
        code: 'auth.no-token',
      });
    }
    this.#options.redactor.register(result.accessToken);
    const expiresAtMs = result.expiresOn?.getTime();
    if (generation === this.#generation && expiresAtMs !== undefined) {
      // A token the service asked to refresh early (refresh_in) is renewed then, as msal does.
      const renewAtMs = Math.min(
        expiresAtMs - renewBeforeExpiryMs,
        result.refreshOn?.getTime() ?? Number.POSITIVE_INFINITY,
      );
      this.#held = { token: result.accessToken, renewAtMs };
    }
    return result.accessToken;
  }

  async #getApplication(): Promise<ConfidentialClientApplication> {
    const credential = await this.#readCredential();
    const key = credential.kind === 'secret' ? credential.clientSecret : credential.privateKey;
    if (this.#application && this.#credentialKey === key) return this.#application;
    this.#application = new ConfidentialClientApplication(this.#configuration(credential));
    this.#credentialKey = key;
    return this.#application;
  }

  #configuration(credential: Credential): Configuration {
    const { config, logger } = this.#options;
    const { authorityHost } = resolveCloudEndpoints(config.sharepoint);
    return {
      auth: {
        clientId: config.auth.clientId ?? '',
        // authorityHost is normalised (no default port, no path): msal compares the authority's
        // host and port as written with knownAuthorities, and only an exact match skips the
        // public cloud's instance discovery. With authorityMetadata the OpenID configuration
        // is not fetched either (sovereign clouds, the emulator).
        authority: authorityOf(config),
        knownAuthorities: [new URL(authorityHost).host],
        ...(config.sharepoint.authorityMetadata
          ? { authorityMetadata: config.sharepoint.authorityMetadata }
          : {}),
        ...(credential.kind === 'secret'
          ? { clientSecret: credential.clientSecret }
          : {
              clientCertificate: {
                privateKey: credential.privateKey,
                ...(credential.thumbprint.length === 40
                  ? { thumbprint: credential.thumbprint }
                  : { thumbprintSha256: credential.thumbprint }),
              },
            }),
      },
      cache: { cachePlugin: this.#cachePlugin() },
      system: {
        networkClient: new TransportNetworkClient(this.#options.transport, this.#timeoutMs),
        // One retry layer: the delivery policies decide (docs/delivery.md, "When SharePoint pushes back").
        disableInternalRetries: true,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          // msal reports some failures only to its logger (a failed instance discovery, before
          // it gives up): its errors are warnings here, not hidden at debug level.
          loggerCallback: (level, message) => {
            if (level === LogLevel.Error) logger.warn({ msal: message }, 'msal-node');
            else logger.debug({ msal: message }, 'msal-node');
          },
        },
      },
    };
  }

  async #readCredential(): Promise<Credential> {
    const { config, secretStore, redactor } = this.#options;
    if (config.auth.method === 'secret') {
      const clientSecret = await secretStore.get(secretNames.clientSecret);
      if (!clientSecret) {
        throw new DeliveryError(
          `No client secret is stored: set SITEDROP_CLIENT_SECRET or enter it in Settings (secrets live in ${secretStore.describe()})`,
          { kind: 'auth', code: 'auth.no-secret' },
        );
      }
      redactor.register(clientSecret);
      return { kind: 'secret', clientSecret };
    }
    const privateKey = await secretStore.get(secretNames.certificateKey);
    if (!privateKey) {
      throw new DeliveryError(
        `No certificate private key is stored: set SITEDROP_CERTIFICATE_KEY (PEM) or import it in Settings (secrets live in ${secretStore.describe()})`,
        { kind: 'auth', code: 'auth.no-certificate-key' },
      );
    }
    redactor.register(privateKey);
    return { kind: 'certificate', privateKey, thumbprint: certificateThumbprint(config) };
  }

  #cachePlugin(): ICachePlugin {
    const { secretStore, logger } = this.#options;
    return {
      async beforeCacheAccess(context) {
        const stored = await secretStore.get(secretNames.tokenCache);
        if (stored) context.tokenCache.deserialize(stored);
      },
      async afterCacheAccess(context) {
        if (!context.cacheHasChanged) return;
        try {
          await secretStore.set(secretNames.tokenCache, context.tokenCache.serialize());
        } catch (error) {
          // The token stays valid in memory; only a restart would have to sign in again.
          logger.warn({ err: error }, 'The token cache could not be saved');
        }
      },
    };
  }
}

/**
 * The certificate's thumbprint: auth.certificate.thumbprint, or computed (SHA-256) from the
 * certificate file at auth.certificate.path.
 *
 * @throws DeliveryError (config) naming the field when neither is usable.
 */
export function certificateThumbprint(config: Config): string {
  const { thumbprint, path } = config.auth.certificate;
  if (thumbprint) return thumbprint.toUpperCase();
  if (!path) {
    throw new DeliveryError(
      'auth.method is "certificate" but neither auth.certificate.thumbprint nor auth.certificate.path is set: set one of them',
      { kind: 'config', code: 'config.certificate-missing' },
    );
  }
  try {
    return new X509Certificate(fs.readFileSync(path)).fingerprint256.replaceAll(':', '');
  } catch (error) {
    throw new DeliveryError(
      `auth.certificate.path ${path} is not a readable certificate (PEM or DER): ${(error as Error).message}`,
      { kind: 'config', code: 'config.certificate-unreadable', cause: error },
    );
  }
}

/**
 * msal-node's network client over the delivery's keep-alive agent, so the token endpoint sees
 * the same extra CAs and User-Agent as Graph (msal-node 7 otherwise uses global fetch).
 */
class TransportNetworkClient implements INetworkModule {
  readonly #transport: HttpTransport;
  readonly #timeoutMs: number;

  /** @param timeoutMs the longest any request of msal's may take (msal sets none on most). */
  constructor(transport: HttpTransport, timeoutMs: number) {
    this.#transport = transport;
    this.#timeoutMs = timeoutMs;
  }

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeoutMs?: number,
  ): Promise<NetworkResponse<T>> {
    return this.#send<T>(
      'GET',
      url,
      options,
      Math.min(timeoutMs ?? this.#timeoutMs, this.#timeoutMs),
    );
  }

  sendPostRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    return this.#send<T>('POST', url, options, this.#timeoutMs);
  }

  async #send<T>(
    method: string,
    url: string,
    options: NetworkRequestOptions | undefined,
    timeoutMs: number,
  ): Promise<NetworkResponse<T>> {
    const action = 'signing in to Microsoft Entra ID';
    let response;
    try {
      response = await this.#transport.send({
        method,
        url,
        headers: options?.headers ?? {},
        ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
        signal: AbortSignal.timeout(timeoutMs),
        action,
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw signInTimeoutFailure(new URL(url).origin, timeoutMs);
      }
      throw error;
    }
    let body: T;
    try {
      body = JSON.parse(response.body.toString('utf8')) as T;
    } catch {
      throw new DeliveryError(
        `The sign-in service answered HTTP ${response.status} with something other than JSON: check sharepoint.authorityHost`,
        { kind: 'transient', code: 'auth.bad-response', httpStatus: response.status },
      );
    }
    return { status: response.status, headers: response.headers, body };
  }
}

/**
 * How long a sign-in may take: a little under the request timeout, so that a sign-in that hangs
 * is reported as one (auth.sign-in-timeout) before the Graph request waiting for its token times
 * out as a network failure, which would only be retried.
 */
export function signInTimeoutMs(requestTimeoutMs: number): number {
  return Math.floor(requestTimeoutMs * 0.9);
}

/**
 * Settles with `work`, or rejects with `failure()` once `timeoutMs` has passed without it. A
 * network deadline, so it runs on real time, as the request timeouts do.
 */
function withDeadline<T>(work: Promise<T>, timeoutMs: number, failure: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(failure()), timeoutMs);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
