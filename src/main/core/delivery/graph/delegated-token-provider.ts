import { InteractionRequiredAuthError, type AuthenticationResult } from '@azure/msal-node';
import { authorityOf, type Config } from '../../../../shared/config-schema.ts';
import type { SecretRedactor } from '../../logging/index.ts';
import { classifyTokenFailure, signInRequiredFailure, signInTimeoutFailure } from '../errors.ts';
import { signInTimeoutMs, withDeadline } from './msal-parts.ts';
import { HeldToken, type TokenSource } from './token-source.ts';

/**
 * A signed-in person's tokens, as delivery needs them: the agent's account capability
 * (msal-node's PublicClientApplication) implements it and outlives delivery's restarts.
 */
export interface DelegatedTokens {
  /** Whether someone is signed in and has not been asked to sign in again. */
  hasUsableAccount(): Promise<boolean>;
  /** "Signed in as <name> (<username>)", or a sentence saying nobody is. */
  describeAccount(): Promise<string>;
  /**
   * A Graph token from msal's cache, refreshed (the refresh token rotating) when due or when
   * `isFresh`.
   *
   * @throws InteractionRequiredAuthError when nobody is signed in or the refresh token was
   *   refused (invalid_grant): the person must sign in again. Other msal errors as they come.
   */
  acquireToken(isFresh: boolean): Promise<AuthenticationResult>;
  /** Who is signed in (null: nobody), as the ID token names them. */
  current(): Promise<{ username: string; name: string | null } | null>;
}

/**
 * Delivery's tokens when it signs in as a person (auth.method "delegated"): msal-node's silent
 * acquisition before each Graph call path, through the same TokenSource as app-only, so
 * uploads, warm-up and Test connection do not change.
 */
export class DelegatedTokenProvider implements TokenSource {
  readonly #tokens: DelegatedTokens;
  readonly #config: Config;
  readonly #redactor: SecretRedactor;
  readonly #timeoutMs: number;
  readonly #held = new HeldToken((isFresh) => this.#acquire(isFresh));

  constructor(options: { tokens: DelegatedTokens; config: Config; redactor: SecretRedactor }) {
    this.#tokens = options.tokens;
    this.#config = options.config;
    this.#redactor = options.redactor;
    this.#timeoutMs = signInTimeoutMs(options.config.delivery.requestTimeoutMs);
  }

  hasCredential(): Promise<boolean> {
    return this.#tokens.hasUsableAccount();
  }

  getToken(options: { isFresh?: boolean } = {}): Promise<string> {
    return this.#held.get(options);
  }

  describeCredential(): Promise<string> {
    return this.#tokens.describeAccount();
  }

  async personName(): Promise<string | null> {
    const person = await this.#tokens.current();
    return person ? (person.name ?? person.username) : null;
  }

  async #acquire(isFresh: boolean): Promise<AuthenticationResult> {
    const authority = authorityOf(this.#config);
    let result;
    try {
      result = await withDeadline(this.#tokens.acquireToken(isFresh), this.#timeoutMs, () =>
        signInTimeoutFailure(authority, this.#timeoutMs),
      );
    } catch (error) {
      this.#held.drop();
      if (error instanceof InteractionRequiredAuthError) throw signInRequiredFailure(error);
      throw classifyTokenFailure(error, authority);
    }
    this.#redactor.register(result.accessToken);
    return result;
  }
}
