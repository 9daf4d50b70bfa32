/**
 * What both msal-node clients (app-only and delegated) share: the network client over SiteDrop's
 * transport, msal's logger, a token cache kept in the secret store, and the sign-in deadline.
 */
import type {
  Configuration,
  ICachePlugin,
  INetworkModule,
  NetworkRequestOptions,
  NetworkResponse,
} from '@azure/msal-node';
import { LogLevel } from '@azure/msal-node';
import {
  authorityOf,
  resolveCloudEndpoints,
  type Config,
} from '../../../../shared/config-schema.ts';
import type { Logger, SecretRedactor } from '../../logging/index.ts';
import type { SecretStore } from '../../platform.ts';
import { DeliveryError, signInTimeoutFailure } from '../errors.ts';
import type { HttpTransport } from './http-transport.ts';

/**
 * The client id and authority both msal clients use. The authority host is normalised (no default
 * port, no path): msal compares the authority's host and port as written with knownAuthorities,
 * and only an exact match skips the public cloud's instance discovery. With authorityMetadata the
 * OpenID configuration is not fetched either (sovereign clouds, the emulator).
 */
export function msalAuthOptions(config: Config) {
  const { authorityHost } = resolveCloudEndpoints(config.sharepoint);
  return {
    clientId: config.auth.clientId ?? '',
    authority: authorityOf(config),
    knownAuthorities: [new URL(authorityHost).host],
    ...(config.sharepoint.authorityMetadata
      ? { authorityMetadata: config.sharepoint.authorityMetadata }
      : {}),
  } satisfies Configuration['auth'];
}

/**
 * msal's logger: no personal data, warnings and up; msal reports some failures only to its
 * logger (a failed instance discovery, before it gives up), so its errors are warnings here,
 * not hidden at debug level.
 */
export function msalLoggerOptions(
  logger: Logger,
): NonNullable<NonNullable<Configuration['system']>['loggerOptions']> {
  return {
    piiLoggingEnabled: false,
    logLevel: LogLevel.Warning,
    loggerCallback: (level: LogLevel, message: string) => {
      if (level === LogLevel.Error) logger.warn({ msal: message }, 'msal-node');
      else logger.debug({ msal: message }, 'msal-node');
    },
  };
}

/**
 * msal's token cache kept in the secret store under `secretName` (safeStorage on the desktop,
 * an owner-only file headless), never on plain disk. Every token in it (access, refresh and ID
 * tokens) is registered with the logger's redactor as soon as it is read or written, so no log
 * line can carry one.
 */
export function secretStoreCachePlugin(options: {
  secretStore: SecretStore;
  secretName: string;
  redactor: SecretRedactor;
  logger: Logger;
}): ICachePlugin {
  const { secretStore, secretName, redactor, logger } = options;
  return {
    async beforeCacheAccess(context) {
      const stored = await secretStore.get(secretName);
      if (!stored) return;
      registerCachedSecrets(stored, redactor);
      context.tokenCache.deserialize(stored);
    },
    async afterCacheAccess(context) {
      if (!context.cacheHasChanged) return;
      const serialized = context.tokenCache.serialize();
      registerCachedSecrets(serialized, redactor);
      try {
        await secretStore.set(secretName, serialized);
      } catch (error) {
        // The token stays valid in memory; only a restart would have to sign in again.
        logger.warn({ err: error }, 'The token cache could not be saved');
      }
    },
  };
}

/** Registers the `secret` of every credential in msal's serialized cache with the redactor. */
function registerCachedSecrets(serialized: string, redactor: SecretRedactor): void {
  let cache: Record<string, unknown>;
  try {
    cache = JSON.parse(serialized) as Record<string, unknown>;
  } catch {
    return;
  }
  for (const section of ['AccessToken', 'RefreshToken', 'IdToken']) {
    const entries = cache[section];
    if (!entries || typeof entries !== 'object') continue;
    for (const entry of Object.values(entries as Record<string, { secret?: unknown }>)) {
      if (typeof entry?.secret === 'string' && entry.secret) redactor.register(entry.secret);
    }
  }
}

/**
 * msal-node's network client over the delivery's keep-alive agent, so the token endpoint sees
 * the same extra CAs and User-Agent as Graph (msal-node 7 otherwise uses global fetch).
 */
export class TransportNetworkClient implements INetworkModule {
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
export function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  failure: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(failure()), timeoutMs);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
