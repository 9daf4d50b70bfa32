/**
 * Where delivery's Graph access tokens come from: app-only (TokenProvider, client credentials)
 * or a signed-in person (DelegatedTokenProvider). The Graph client, warm-up and Test connection
 * see only this.
 */
export interface TokenSource {
  /**
   * Whether a credential (app-only) or a usable signed-in account (delegated) is there.
   *
   * Read each time, so storing the secret or signing in later starts delivery without a restart.
   */
  hasCredential(): Promise<boolean>;
  /**
   * An access token for Graph; `isFresh` skips every cache (after Graph answered 401).
   *
   * @throws DeliveryError: `auth` when the credential is refused or the person must sign in
   *   again, `transient` when the sign-in service cannot be reached.
   */
  getToken(options?: { isFresh?: boolean }): Promise<string>;
  /** For Test connection: which credential is in use, e.g. "Signed in as Ada (ada@contoso.com)". */
  describeCredential(): Promise<string>;
  /** The signed-in person's name, for sentences about what they may open (delegated only). */
  personName?(): Promise<string | null>;
}

/** What one acquisition yields: msal's AuthenticationResult, as far as holding it needs. */
export interface AcquiredToken {
  accessToken: string;
  expiresOn: Date | null;
  refreshOn?: Date | undefined;
}

/**
 * A token is used from memory until this long before it expires, then msal is asked again:
 * msal-node's own renewal offset (tokenRenewalOffsetSeconds, 300 s), so msal would renew it
 * at that point too.
 */
const renewBeforeExpiryMs = 5 * 60_000;

/**
 * One acquisition at a time, and the last token held in memory until msal would renew it.
 *
 * msal's cache lookup reads the secret store, deserializes the cache and searches it on every
 * call, CPU that every Graph request would pay (docs/performance.md, "Why the code is shaped
 * so", Delivery). Concurrent calls share one acquisition: eight workers starting at once, each
 * with an empty cache, would otherwise send eight token requests. A fresh call joins only a
 * fresh acquisition (one that started after its 401), never one that may answer from the cache.
 */
export class HeldToken {
  readonly #acquire: (isFresh: boolean) => Promise<AcquiredToken>;
  /** The acquisition in flight, which concurrent callers join instead of starting their own. */
  #pending: { promise: Promise<string>; isFresh: boolean } | undefined;
  /** The last token and when to ask msal again (epoch ms). */
  #held: { token: string; renewAtMs: number } | undefined;
  /** Counts fresh requests and drops: a token acquired before either is never held. */
  #generation = 0;

  /** @param acquire asks msal; it classifies its own failures. */
  constructor(acquire: (isFresh: boolean) => Promise<AcquiredToken>) {
    this.#acquire = acquire;
  }

  /** The held token, or one acquisition shared by every concurrent caller. */
  get(options: { isFresh?: boolean } = {}): Promise<string> {
    const isFresh = options.isFresh ?? false;
    if (isFresh) {
      this.drop();
    } else if (this.#held && Date.now() < this.#held.renewAtMs) {
      return Promise.resolve(this.#held.token);
    }
    const pending = this.#pending;
    if (pending && (pending.isFresh || !isFresh)) return pending.promise;
    const promise = this.#hold(isFresh).finally(() => {
      if (this.#pending?.promise === promise) this.#pending = undefined;
    });
    this.#pending = { promise, isFresh };
    return promise;
  }

  /** Forgets the held token (signed out, or a fresh one is needed). */
  drop(): void {
    this.#held = undefined;
    this.#generation += 1;
  }

  async #hold(isFresh: boolean): Promise<string> {
    const generation = this.#generation;
    const result = await this.#acquire(isFresh);
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
}
