import fs from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { resolveCloudEndpoints, type Config } from '../../../../shared/config-schema.ts';
import type { Logger, SecretRedactor } from '../../logging/index.ts';
import { secretNames, type SecretStore } from '../../platform.ts';
import { DeliveryError, classifyTokenFailure, signInTimeoutFailure } from '../errors.ts';
import type { HttpTransport } from './http-transport.ts';
import {
  msalAuthOptions,
  msalLoggerOptions,
  secretStoreCachePlugin,
  signInTimeoutMs,
  TransportNetworkClient,
  withDeadline,
} from './msal-parts.ts';
import { HeldToken, type TokenSource } from './token-source.ts';

/** Options of the TokenProvider. */
export interface TokenProviderOptions {
  config: Config;
  secretStore: SecretStore;
  redactor: SecretRedactor;
  transport: HttpTransport;
  logger: Logger;
}

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
 * secret are registered with the logger's redactor as soon as they are known. The last token is
 * held in memory (HeldToken).
 */
export class TokenProvider implements TokenSource {
  readonly #options: TokenProviderOptions;
  readonly #scope: string;
  /** How long one sign-in may take, discovery included (signInTimeoutMs). */
  readonly #timeoutMs: number;
  readonly #held = new HeldToken((isFresh) => this.#acquireToken(isFresh));
  #application: ConfidentialClientApplication | undefined;
  #credentialKey: string | undefined;

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

  /** An access token for Graph (TokenSource.getToken). */
  getToken(options: { isFresh?: boolean } = {}): Promise<string> {
    return this.#held.get(options);
  }

  async describeCredential(): Promise<string> {
    return `A ${this.#options.config.auth.method} is stored`;
  }

  async #acquireToken(isFresh: boolean): Promise<{ accessToken: string; expiresOn: Date | null }> {
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
    return result;
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
    return {
      auth: {
        ...msalAuthOptions(config),
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
      cache: {
        cachePlugin: secretStoreCachePlugin({
          ...this.#options,
          secretName: secretNames.tokenCache,
        }),
      },
      system: {
        networkClient: new TransportNetworkClient(this.#options.transport, this.#timeoutMs),
        // One retry layer: the delivery policies decide (docs/delivery.md, "When SharePoint pushes back").
        disableInternalRetries: true,
        loggerOptions: msalLoggerOptions(logger),
      },
    };
  }

  async #readCredential(): Promise<Credential> {
    const { config, secretStore, redactor } = this.#options;
    if (config.auth.method === 'secret') {
      const clientSecret = await secretStore.get(secretNames.clientSecret);
      if (!clientSecret) {
        throw new DeliveryError(
          `No client secret is stored: set SITEDROP_CLIENT_SECRET or enter it in Settings. ${secretStore.describe()}`,
          { kind: 'auth', code: 'auth.no-secret' },
        );
      }
      redactor.register(clientSecret);
      return { kind: 'secret', clientSecret };
    }
    const privateKey = await secretStore.get(secretNames.certificateKey);
    if (!privateKey) {
      throw new DeliveryError(
        `No certificate private key is stored: set SITEDROP_CERTIFICATE_KEY (PEM) or import it in Settings. ${secretStore.describe()}`,
        { kind: 'auth', code: 'auth.no-certificate-key' },
      );
    }
    redactor.register(privateKey);
    return { kind: 'certificate', privateKey, thumbprint: certificateThumbprint(config) };
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
