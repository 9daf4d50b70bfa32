import { isTenantConfigured, type Config } from '../../../../shared/config-schema.ts';
import type { SharePointWait } from '../../../../shared/events.ts';
import type { Clock } from '../../lifecycle/index.ts';
import type { Logger } from '../../logging/index.ts';
import type { Store } from '../../store/index.ts';
import type { DeliveryError } from '../errors.ts';
import type { BreakerChange, BreakerState, DeliveryPolicies } from '../resilience/index.ts';

/** Whether delivery can talk to SharePoint, as the UI shows it. */
export interface ConnectionState {
  status: 'not-configured' | 'ready' | 'paused-by-breaker' | 'auth-failed';
  breaker: BreakerState;
  /** While paused: when the next probe or sign-in attempt runs (epoch ms). */
  nextProbeAt: number | null;
  /** A sentence for people: what is wrong and how to fix it, or that all is well. */
  detail: string;
  /** Why delivery waits for SharePoint and when it sends again; null when it does not wait. */
  waitingFor: SharePointWait | null;
}

/** A new wait is announced when it ends at least this much later than the one announced. */
const waitAnnouncedStepMs = 1_000;

/** What ConnectionStatus reads and writes. */
export interface ConnectionStatusOptions {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The policies, once delivery has a tenant to talk to. */
  policies: () => DeliveryPolicies | undefined;
}

/**
 * The connection as people see it: the breaker, and the hold after an auth failure (no item is
 * tried until its wait is over, so a refused credential does not make a burst of failures).
 * Every change is a `connection.changed` event.
 */
export class ConnectionStatus {
  readonly #options: ConnectionStatusOptions;
  #authFailure: string | null = null;
  #holdUntilMonotonic: number | null = null;
  #breaker: BreakerChange = { breaker: 'closed', nextProbeAt: null, detail: '' };
  /** Why a person must sign in again (delegated sign-in refused), until someone does. */
  #signInRequired: string | null = null;
  #isReady = false;
  /** Configuration failures logged so far: every item of a folder meets the same one. */
  readonly #reportedConfigErrors = new Set<string>();
  /** The end of the last Retry-After wait announced (epoch ms). */
  #announcedWaitEndsAt = 0;

  constructor(options: ConnectionStatusOptions) {
    this.#options = options;
  }

  /** Why the breaker last changed, for the sentence of an item that waits for it. */
  get breakerDetail(): string {
    return this.#breaker.detail;
  }

  /** How long the auth failure's hold still lasts (0: none). */
  authHoldMs(): number {
    if (this.#holdUntilMonotonic === null) return 0;
    const remainingMs = this.#holdUntilMonotonic - this.#options.clock.monotonicNow();
    if (remainingMs > 0) return remainingMs;
    this.#holdUntilMonotonic = null;
    return 0;
  }

  /** Whether delivery has a tenant and a credential or usable account (set by the worker). */
  get isReady(): boolean {
    return this.#isReady;
  }

  set isReady(isReady: boolean) {
    this.#isReady = isReady;
    if (isReady && this.#signInRequired !== null) {
      this.#signInRequired = null;
      this.#appendChange(null, 'Signed in again');
    }
  }

  /**
   * Nobody can deliver until a person signs in again: delivery stops claiming (not ready) until
   * the worker sees a usable account; the change is an event once.
   */
  requireSignIn(failure: DeliveryError): void {
    this.#isReady = false;
    if (this.#signInRequired === failure.message) return;
    this.#signInRequired = failure.message;
    this.#appendChange(null, failure.message);
  }

  /** The state the UI shows. */
  state(): ConnectionState {
    const { config, policies } = this.#options;
    if (this.#signInRequired !== null) {
      return {
        status: 'auth-failed',
        breaker: 'closed',
        nextProbeAt: null,
        detail: this.#signInRequired,
        waitingFor: null,
      };
    }
    if (!this.isReady) return notConnected(config);
    const breaker = policies()?.breakerState ?? 'closed';
    const waitingFor = this.#waitingFor();
    if (breaker === 'open') {
      return {
        status: 'paused-by-breaker',
        breaker,
        nextProbeAt: policies()?.nextProbeAt ?? null,
        detail: this.#breaker.detail,
        waitingFor,
      };
    }
    if (this.#authFailure && this.#holdUntilMonotonic !== null) {
      return {
        status: 'auth-failed',
        breaker,
        nextProbeAt: this.#wallTimeOf(this.#holdUntilMonotonic),
        detail: this.#authFailure,
        waitingFor,
      };
    }
    return {
      status: 'ready',
      breaker,
      nextProbeAt: null,
      detail: `Connected to ${config.sharepoint.siteUrl}`,
      waitingFor,
    };
  }

  /**
   * SharePoint's Retry-After holds every request back until later than before: announced as a
   * `connection.changed` event when it ends at least a second after the wait last announced (a
   * burst of 429s to several workers is one event).
   */
  recordThrottle(): void {
    const waitingFor = this.#waitingFor();
    if (waitingFor === null || waitingFor.reason === 'breaker-open') return;
    if (waitingFor.nextTryAt < this.#announcedWaitEndsAt + waitAnnouncedStepMs) return;
    this.#announcedWaitEndsAt = waitingFor.nextTryAt;
    this.#appendWaitChange(
      `SharePoint asked SiteDrop to wait until ${new Date(waitingFor.nextTryAt).toISOString()}`,
    );
  }

  /** A person pressed "Try now": the waits are over, and the page hears so at once. */
  recordTryNow(): void {
    this.#announcedWaitEndsAt = 0;
    this.#appendWaitChange('Trying SharePoint again now, as asked');
  }

  /** A change of the wait for SharePoint as an event; `reason` is its detail while ready. */
  #appendWaitChange(reason: string): void {
    const state = this.state();
    this.#options.store.appendEvent({
      type: 'connection.changed',
      data: {
        status: state.status,
        breaker: state.breaker,
        nextProbeAt: state.nextProbeAt,
        detail: state.status === 'ready' ? reason : state.detail,
        waitingFor: state.waitingFor,
      },
    });
  }

  /** Why delivery waits for SharePoint now, from the breaker and the Retry-After gate. */
  #waitingFor(): SharePointWait | null {
    const policies = this.#options.policies();
    if (policies === undefined) return null;
    if (policies.breakerState === 'open' && policies.nextProbeAt !== null) {
      return { reason: 'breaker-open', nextTryAt: policies.nextProbeAt };
    }
    const throttledForMs = policies.throttledForMs;
    if (throttledForMs <= 0) return null;
    return {
      reason: policies.throttleReason,
      nextTryAt: this.#options.clock.now() + throttledForMs,
    };
  }

  /** After an auth failure, no item is tried for `waitMs`; a new reason is an event. */
  holdForAuth(failure: DeliveryError, waitMs: number): void {
    const { clock, store } = this.#options;
    this.#holdUntilMonotonic = clock.monotonicNow() + waitMs;
    const isNew = this.#authFailure !== failure.message;
    this.#authFailure = failure.message;
    if (isNew) {
      store.appendEvent({
        type: 'connection.changed',
        data: {
          status: this.state().status,
          breaker: this.#options.policies()?.breakerState ?? 'closed',
          nextProbeAt: clock.now() + waitMs,
          detail: failure.message,
        },
      });
    }
  }

  /** A delivery succeeded: an auth failure, if any, is over. */
  clearAuthFailure(): void {
    if (this.#authFailure === null) return;
    this.#authFailure = null;
    this.#holdUntilMonotonic = null;
    this.#appendChange(null, 'Signed in again');
  }

  #appendChange(nextProbeAt: number | null, detail: string): void {
    this.#options.store.appendEvent({
      type: 'connection.changed',
      data: {
        status: this.state().status,
        breaker: this.#options.policies()?.breakerState ?? 'closed',
        nextProbeAt,
        detail,
        waitingFor: this.#waitingFor(),
      },
    });
  }

  /** Records a change of the breaker as an event and in the log. */
  recordBreakerChange(change: BreakerChange): void {
    this.#breaker = change;
    const { store, logger } = this.#options;
    store.appendEvent({
      type: 'connection.changed',
      data: { ...change, status: this.state().status, waitingFor: this.#waitingFor() },
    });
    logger.warn({ breaker: change.breaker, nextProbeAt: change.nextProbeAt }, change.detail);
  }

  /** Logs a configuration failure once per message. */
  reportConfigError(failure: DeliveryError): void {
    if (this.#reportedConfigErrors.has(failure.message)) return;
    this.#reportedConfigErrors.add(failure.message);
    this.#options.logger.error({ code: failure.code }, failure.message);
  }

  #wallTimeOf(monotonicMs: number): number {
    const { clock } = this.#options;
    return clock.now() + (monotonicMs - clock.monotonicNow());
  }
}

/** The state of a delivery without a tenant or a stored credential: what to set. */
function notConnected(config: Config): ConnectionState {
  return {
    status: 'not-configured',
    breaker: 'closed',
    nextProbeAt: null,
    waitingFor: null,
    detail: isTenantConfigured(config)
      ? `Not connected: ${missingCredentialSentence(config)}; files stay queued until then`
      : `Not connected: ${missingSettingsSentence(config)}; files stay queued until then`,
  };
}

/** What to do when the configured sign-in has no credential (or no signed-in account). */
export function missingCredentialSentence(config: Config): string {
  switch (config.auth.method) {
    case 'delegated':
      return 'nobody is signed in. Sign in with Microsoft on the dashboard, or run `sitedrop login`';
    case 'secret':
      return 'no client secret is stored. Set SITEDROP_CLIENT_SECRET or enter it in Settings';
    case 'certificate':
      return 'no certificate key is stored. Set SITEDROP_CERTIFICATE_KEY or enter it in Settings';
  }
}

/** Which settings a sign-in method still needs before SharePoint can be reached. */
export function missingSettingsSentence(config: Config): string {
  return config.auth.method === 'delegated'
    ? 'set sharepoint.siteUrl and auth.clientId (the app registration), then sign in with Microsoft (docs/configuration.md)'
    : 'set sharepoint.siteUrl, auth.tenantId and auth.clientId, and store the client secret or certificate key (docs/delivery.md)';
}
