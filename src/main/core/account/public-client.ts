import { PublicClientApplication } from '@azure/msal-node';
import { authorityOf, type Config } from '../../../shared/config-schema.ts';
import {
  HttpTransport,
  msalAuthOptions,
  msalLoggerOptions,
  secretStoreCachePlugin,
  signInTimeoutMs,
  TransportNetworkClient,
} from '../delivery/index.ts';
import type { Logger, SecretRedactor } from '../logging/index.ts';
import { secretNames, type SecretStore } from '../platform.ts';

/** What a public client is built from: the settings that change it, and the agent's parts. */
export interface PublicClientOptions {
  secretStore: SecretStore;
  redactor: SecretRedactor;
  logger: Logger;
}

/** One msal-node public client, with the transport it sends over (closed with it). */
export interface PublicClient {
  readonly application: PublicClientApplication;
  /** The settings it was built for: a change of any of them needs a new client. */
  readonly key: string;
  close(): void;
}

/** The settings a public client depends on, as one comparable text. */
export function publicClientKey(config: Config): string {
  const { sharepoint, auth } = config;
  return JSON.stringify([
    auth.clientId,
    authorityOf(config),
    sharepoint.authorityMetadata,
    sharepoint.extraCaFile,
    config.delivery.requestTimeoutMs,
  ]);
}

/**
 * msal-node's PublicClientApplication for delegated sign-in: the configured client id and
 * authority (organizations unless a tenant narrows it), its token cache in the secret store
 * (secretNames.delegatedTokenCache), and its requests over SiteDrop's transport, so the sign-in
 * service sees the same extra CAs and deadlines as app-only sign-in does.
 */
export function createPublicClient(config: Config, options: PublicClientOptions): PublicClient {
  const transport = HttpTransport.fromConfig(config);
  const timeoutMs = signInTimeoutMs(config.delivery.requestTimeoutMs);
  const application = new PublicClientApplication({
    auth: msalAuthOptions(config),
    cache: {
      cachePlugin: secretStoreCachePlugin({
        ...options,
        secretName: secretNames.delegatedTokenCache,
      }),
    },
    system: {
      networkClient: new TransportNetworkClient(transport, timeoutMs),
      loggerOptions: msalLoggerOptions(options.logger),
    },
  });
  return { application, key: publicClientKey(config), close: () => transport.close() };
}
