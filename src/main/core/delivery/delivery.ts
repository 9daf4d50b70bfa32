import { randomUUID } from 'node:crypto';
import {
  isTenantConfigured,
  resolveCloudEndpoints,
  type Config,
  type FolderConfig,
} from '../../../shared/config-schema.ts';
import type { AgentEvent } from '../../../shared/events.ts';
import type { EventBus } from '../events/index.ts';
import type { Clock, Disposable, TimerHandle } from '../lifecycle/index.ts';
import type { Logger, SecretRedactor } from '../logging/index.ts';
import type { SecretStore } from '../platform.ts';
import {
  createGroupCommit,
  type AttemptResult,
  type GroupCommit,
  type Item,
  type Store,
} from '../store/index.ts';
import {
  runConnectionTest,
  type ConnectionTestParts,
  type ConnectionTestReport,
} from './connection-test.ts';
import { cancelSession, deliverItem } from './deliver-item.ts';
import { DeliveryError } from './errors.ts';
import { isAwaitingHash } from './hash-check.ts';
import { GraphClient } from './graph-client.ts';
import { HttpTransport } from './http-transport.ts';
import {
  createDeliveryPolicies,
  isBreakerOpenError,
  type BreakerChange,
  type BreakerState,
  type DeliveryPolicies,
} from './policies.ts';
import { SharePointClient } from './sharepoint-client.ts';
import { TargetResolver } from './target-resolver.ts';
import { TokenProvider } from './token-provider.ts';
import {
  classifyAttemptFailure,
  nextStateAfterFailure,
} from './outcomes/next-state-after-failure.ts';
import { recordFailure } from './outcomes/record-failure.ts';
import { restartedEvent } from './outcomes/restarted-event.ts';
import { storedDelayMs } from './resilience/index.ts';
import { Slots } from './worker/slots.ts';

/** What startDelivery needs: the agent's parts. */
export interface DeliveryOptions {
  config: Config;
  store: Store;
  bus: EventBus;
  logger: Logger;
  clock: Clock;
  secretStore: SecretStore;
  redactor: SecretRedactor;
  /** How often the worker looks at the store without being woken (default 2 s). */
  pollIntervalMs?: number;
  /** Random source for jitter, in [0, 1). */
  random?: () => number;
}

/** Whether delivery can talk to SharePoint, as the UI shows it. */
export interface ConnectionState {
  status: 'not-configured' | 'ready' | 'paused-by-breaker' | 'auth-failed';
  breaker: BreakerState;
  /** While paused: when the next probe or sign-in attempt runs (epoch ms). */
  nextProbeAt: number | null;
  /** A sentence for people: what is wrong and how to fix it, or that all is well. */
  detail: string;
}

/** What a person paused: all delivery, and/or single folders. */
export interface DeliveryPauseState {
  isPausedAll: boolean;
  pausedFolderIds: string[];
}

/** The store meta key under which the pause state is kept across restarts. */
const pauseStateMetaKey = 'delivery.pauseState';

/** The running delivery worker. */
export interface Delivery extends Disposable {
  /** Stops claiming, aborts in-flight requests (uploads resume later), releases claims. */
  close(): Promise<void>;
  /** Stops delivering one folder's items (null: every folder). In-flight items finish. */
  pause(folderId: string | null): void;
  /** Resumes what pause() stopped. */
  resume(folderId: string | null): void;
  /** What is paused now: everything, and/or some folders. Survives a restart. */
  pauseState(): DeliveryPauseState;
  /** Cancels an item: aborts it if in flight, deletes its upload session. Returns whether it was cancelled. */
  cancelItem(itemId: number): Promise<boolean>;
  /** Checks token, site, library, folders and write permission step by step. */
  testConnection(): Promise<ConnectionTestReport>;
  connectionState(): ConnectionState;
}

const defaultPollIntervalMs = 2_000;

/**
 * How long delivery's group commit gathers claims and outcomes before committing them. 4 ms:
 * CPU per file 1.25 → 1.14 ms in figure 3 (0 and 2 ms: 1.25 and 1.17), about one more file per
 * fsync at ~600 files/s; nothing waits for it but the report of an outcome and a slot's refill.
 */
const commitGatherMs = 4;

/** A wall-clock step back smaller than this is drift, not a change of the time. */
const clockJumpToleranceMs = 1_000;

interface InFlight {
  controller: AbortController;
  isCancelRequested: boolean;
  /** Its outcome waits only for its commit: its slot is already lent to the next claim. */
  isFinishing: boolean;
  done: Promise<void>;
}

/** A claimed item moved to uploading, with its folder and the attempt row it started. */
interface Claim {
  item: Item;
  folder: FolderConfig;
  attemptId: number;
}

/**
 * Starts delivery: a worker that claims due items from the store's outbox, delivers up to
 * delivery.concurrency at once, and records every outcome as a state change with its event.
 *
 * It wakes on `item.queued` events, at the store's next due time, and every few seconds (a CLI
 * `sitedrop retry` writes from another process). Without a configured tenant or a stored
 * credential it stays idle: items stay queued and connectionState() says how to connect.
 */
export async function startDelivery(options: DeliveryOptions): Promise<Delivery> {
  const worker = new DeliveryWorker(options);
  await worker.start();
  return worker;
}

class DeliveryWorker implements Delivery {
  readonly #options: DeliveryOptions;
  readonly #owner = `delivery-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly #inFlight = new Map<number, InFlight>();
  readonly #pausedFolders = new Set<string>();
  readonly #unknownFolders = new Set<string>();
  readonly #reportedConfigErrors = new Set<string>();
  readonly #subscriptions: Disposable[] = [];
  readonly #pollIntervalMs: number;
  /**
   * Claims and outcomes of concurrent workers share commits (docs/performance.md, figure 3),
   * gathered for a few milliseconds: a slot does not wait for them, it sends its item ahead.
   */
  readonly #commit: GroupCommit;
  /** Items claimed, held ahead and sending; one that cannot be sent goes back unsent. */
  readonly #slots: Slots<Claim>;
  readonly #pendingClaims = new Set<Promise<void>>();
  /** Claims the store could not give back (e.g. a full disk): tried again on every pump. */
  readonly #unreleasedClaims = new Set<number>();
  #isPausedAll = false;
  #isClosed = false;
  #closing: Promise<void> | undefined;
  #isReady = false;
  #parts:
    (ConnectionTestParts & { transport: HttpTransport; policies: DeliveryPolicies }) | undefined;
  #holdUntilMonotonic: number | null = null;
  #authFailure: string | null = null;
  #breaker: BreakerChange = { breaker: 'closed', nextProbeAt: null, detail: '' };
  #wakeTimer: TimerHandle | undefined;
  #wakeAtMonotonic: number | null = null;
  #pollTimer: TimerHandle | undefined;
  /** Wall minus monotonic time at the last pump: a drop means the wall clock was set back. */
  #wallOffsetMs: number | null = null;
  /** The connection check started when delivery becomes ready (#warmUp); close() aborts it. */
  readonly #warmUpController = new AbortController();
  #warmingUp: Promise<void> | undefined;

  constructor(options: DeliveryOptions) {
    this.#options = options;
    this.#pollIntervalMs = options.pollIntervalMs ?? defaultPollIntervalMs;
    this.#commit = createGroupCommit(options.store, { gatherMs: commitGatherMs });
    this.#slots = new Slots<Claim>(
      options.config.delivery.concurrency,
      () => (this.#parts?.policies.breakerState ?? 'closed') === 'closed',
    );
  }

  async start(): Promise<void> {
    const { config, store, bus, clock, logger, secretStore, redactor } = this.#options;
    if (isTenantConfigured(config)) {
      const transport = HttpTransport.fromConfig(config);
      const policies = createDeliveryPolicies({
        delivery: config.delivery,
        clock,
        ...(this.#options.random ? { random: this.#options.random } : {}),
        onBreakerChange: (change) => this.#onBreakerChange(change),
      });
      const tokens = new TokenProvider({ config, secretStore, redactor, transport, logger });
      const graph = new GraphClient({
        graphBaseUrl: resolveCloudEndpoints(config.sharepoint).graphBaseUrl,
        tokens,
        transport,
      });
      const sharepoint = new SharePointClient({ graph, transport, policies, clock });
      const targets = new TargetResolver({
        siteUrl: config.sharepoint.siteUrl ?? '',
        store,
        sharepoint,
      });
      this.#parts = { tokens, sharepoint, targets, transport, policies };
    }
    this.#restorePauseState();
    this.#subscriptions.push(bus.onDid('item.queued', () => this.#schedulePump(0)));
    await this.#checkReady();
    this.#poll();
  }

  connectionState(): ConnectionState {
    const { config } = this.#options;
    if (!this.#isReady) {
      return {
        status: 'not-configured',
        breaker: 'closed',
        nextProbeAt: null,
        detail: isTenantConfigured(config)
          ? `Not connected: no ${config.auth.method === 'secret' ? 'client secret' : 'certificate key'} is stored. Set ${config.auth.method === 'secret' ? 'SITEDROP_CLIENT_SECRET' : 'SITEDROP_CERTIFICATE_KEY'} or enter it in Settings; files stay queued until then`
          : 'Not connected: set sharepoint.siteUrl, auth.tenantId and auth.clientId, and store the client secret or certificate key (docs/delivery.md); files stay queued until then',
      };
    }
    const breaker = this.#parts?.policies.breakerState ?? 'closed';
    if (breaker === 'open') {
      return {
        status: 'paused-by-breaker',
        breaker,
        nextProbeAt: this.#parts?.policies.nextProbeAt ?? null,
        detail: this.#breaker.detail,
      };
    }
    if (this.#authFailure && this.#holdUntilMonotonic !== null) {
      return {
        status: 'auth-failed',
        breaker,
        nextProbeAt: this.#wallTimeOf(this.#holdUntilMonotonic),
        detail: this.#authFailure,
      };
    }
    return {
      status: 'ready',
      breaker,
      nextProbeAt: null,
      detail: `Connected to ${config.sharepoint.siteUrl}`,
    };
  }

  pause(folderId: string | null): void {
    if (folderId === null) this.#isPausedAll = true;
    else this.#pausedFolders.add(folderId);
    this.#savePauseState({ type: 'delivery.paused', data: { folderId } });
    this.#giveBackAhead((claim) => folderId === null || claim.folder.id === folderId);
  }

  resume(folderId: string | null): void {
    if (folderId === null) {
      this.#isPausedAll = false;
      this.#pausedFolders.clear();
    } else {
      this.#pausedFolders.delete(folderId);
    }
    this.#savePauseState({ type: 'delivery.resumed', data: { folderId } });
    this.#schedulePump(0);
  }

  pauseState(): DeliveryPauseState {
    return { isPausedAll: this.#isPausedAll, pausedFolderIds: [...this.#pausedFolders] };
  }

  /** Writes the pause state and its event in one transaction, so a restart keeps a pause. */
  #savePauseState(event: Extract<AgentEvent, { type: 'delivery.paused' | 'delivery.resumed' }>) {
    const { store } = this.#options;
    store.transaction(() => {
      store.setMeta(pauseStateMetaKey, JSON.stringify(this.pauseState()));
      store.appendEvent(event);
    });
  }

  #restorePauseState(): void {
    const saved = this.#options.store.getMeta(pauseStateMetaKey);
    if (!saved) return;
    try {
      const state = JSON.parse(saved) as Partial<DeliveryPauseState>;
      this.#isPausedAll = state.isPausedAll === true;
      for (const folderId of state.pausedFolderIds ?? []) {
        if (typeof folderId === 'string') this.#pausedFolders.add(folderId);
      }
    } catch (error) {
      // A damaged value must not keep delivery paused forever: start unpaused, and say so.
      this.#options.logger.warn(
        { err: error },
        'The saved pause state was unreadable; delivery starts unpaused',
      );
    }
  }

  async cancelItem(itemId: number): Promise<boolean> {
    this.#giveBackAhead((claim) => claim.item.id === itemId);
    const running = this.#inFlight.get(itemId);
    if (running) {
      running.isCancelRequested = true;
      running.controller.abort(new Error('cancelled'));
      await running.done;
      return this.#options.store.getItem(itemId)?.state === 'cancelled';
    }
    const { store } = this.#options;
    const item = store.getItem(itemId);
    if (!item || !['queued', 'retrying', 'failed'].includes(item.state)) return false;
    if (item.uploadSessionUrl && this.#parts) {
      await cancelSession(
        { sharepoint: this.#parts.sharepoint, signal: AbortSignal.timeout(10_000) },
        item.uploadSessionUrl,
      );
    }
    store.transitionItem(
      itemId,
      'cancelled',
      {},
      { uploadSessionUrl: null, uploadSessionExpiresAt: null, uploadNextOffset: null },
    );
    return true;
  }

  testConnection(): Promise<ConnectionTestReport> {
    return runConnectionTest(this.#options.config, this.#parts, AbortSignal.timeout(120_000));
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#isClosed = true;
    this.#wakeTimer?.close();
    this.#pollTimer?.close();
    for (const subscription of this.#subscriptions.splice(0)) void subscription.close();
    this.#giveBackAhead(() => true);
    // Aborting is the safe point: a simple PUT is looked for before it is sent again, and an
    // upload session continues from the range the session itself reports.
    const running = [...this.#inFlight.values()];
    for (const entry of running) entry.controller.abort(new Error('delivery is closing'));
    this.#warmUpController.abort(new Error('delivery is closing'));
    await Promise.all([
      ...running.map((entry) => entry.done),
      ...this.#pendingClaims,
      this.#warmingUp,
    ]);
    this.#parts?.transport.close();
  }

  async #checkReady(): Promise<void> {
    if (this.#isReady || !this.#parts) return;
    try {
      this.#isReady = await this.#parts.tokens.hasCredential();
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'The secret store cannot be read');
      this.#isReady = false;
    }
    if (this.#isReady) {
      this.#options.logger.info('Delivery is connected and running');
      this.#warmingUp ??= this.#warmUp().catch((error: unknown) => {
        this.#options.logger.error({ err: error }, 'Could not record a failure to connect');
      });
    }
  }

  /**
   * Connects in the background as soon as delivery is ready (at start, or once a credential is
   * stored): the token, the site id and each folder's drive id, through the same policies as a
   * file (timeouts, Retry-After gate, breaker). A person sees at once whether the tenant, site
   * and libraries are right, and the first file's PUT no longer waits for three lookups in a
   * row (issue 7, figure 4; docs/delivery.md "Connecting at start"). Runs while paused too: it
   * sends no file. Never rejects: a failure is handled as a first item's would be.
   */
  async #warmUp(): Promise<void> {
    const parts = this.#parts;
    if (!parts || this.#isClosed) return;
    const { config, logger } = this.#options;
    const signal = this.#warmUpController.signal;
    const libraries = new Set(
      config.folders.map((folder) => folder.target.library ?? config.sharepoint.library),
    );
    if (libraries.size === 0) libraries.add(config.sharepoint.library);
    try {
      await parts.policies.execute(() => parts.tokens.getToken(), {
        signal,
        timeout: 'request',
        action: 'signing in',
      });
      for (const library of libraries) await parts.targets.driveId(library, signal);
      logger.info('Delivery checked the token, the site and its libraries');
    } catch (error) {
      if (signal.aborted || this.#isClosed) return;
      this.#onWarmUpFailure(error);
    }
  }

  /** A warm-up failure, handled as the first item's would be (it meets it again anyway). */
  #onWarmUpFailure(error: unknown): void {
    const { config, logger } = this.#options;
    if (isBreakerOpenError(error)) return; // The breaker reported itself (#onBreakerChange).
    if (!(error instanceof DeliveryError)) {
      logger.error({ err: error }, 'Unexpected failure while connecting (a bug)');
      return;
    }
    if (error.kind === 'auth') {
      this.#holdForAuth(error, storedDelayMs(config, 1, this.#options.random ?? Math.random));
      this.#schedulePump(0);
    } else if (error.kind === 'config' || error.kind === 'permanent') {
      this.#reportConfigError(error);
    } else {
      logger.warn(
        { code: error.code },
        `Could not connect yet; the first file tries again: ${error.message}`,
      );
    }
  }

  /** Logs a configuration failure once per message (every item of the folder meets it). */
  #reportConfigError(failure: DeliveryError): void {
    if (this.#reportedConfigErrors.has(failure.message)) return;
    this.#reportedConfigErrors.add(failure.message);
    this.#options.logger.error({ code: failure.code }, failure.message);
  }

  #poll(): void {
    if (this.#isClosed) return;
    void this.#checkReady().then(() => {
      this.#pump();
      if (this.#isClosed) return;
      this.#pollTimer = this.#options.clock.setTimeout(() => this.#poll(), this.#pollIntervalMs);
    });
  }

  #schedulePump(delayMs: number): void {
    if (this.#isClosed) return;
    const { clock } = this.#options;
    const at = clock.monotonicNow() + Math.max(0, delayMs);
    if (this.#wakeAtMonotonic !== null && this.#wakeAtMonotonic <= at) return;
    this.#wakeTimer?.close();
    this.#wakeAtMonotonic = at;
    this.#wakeTimer = clock.setTimeout(() => {
      this.#wakeAtMonotonic = null;
      this.#pump();
    }, delayMs);
  }

  #excludedFolders(): string[] {
    return [...this.#pausedFolders, ...this.#unknownFolders];
  }

  /** Starts claimed items in free slots and claims due items ahead; schedules the next wake-up. */
  #pump(): void {
    if (this.#isClosed || !this.#parts) return;
    const holdMs = this.#holdMs();
    if (holdMs > 0) {
      // Nothing is sent meanwhile: items claimed ahead go back to the queue, unsent.
      this.#giveBackAhead(() => true);
      if (holdMs < Number.POSITIVE_INFINITY) this.#schedulePump(holdMs);
      return;
    }
    this.#rescheduleAfterClockJump();
    this.#retryReleases();
    this.#startAhead();
    const free = this.#slots.freeToClaim;
    if (free > 0) this.#claim(free);
  }

  /**
   * How long no item may be sent (0: send now; infinite: until something else wakes the pump):
   * not connected, all paused, an auth failure's wait, the breaker open until its probe, or a
   * Retry-After (ThrottleGate).
   */
  #holdMs(): number {
    if (!this.#isReady || this.#isPausedAll || !this.#parts) return Number.POSITIVE_INFINITY;
    if (this.#holdUntilMonotonic !== null) {
      const remainingMs = this.#holdUntilMonotonic - this.#options.clock.monotonicNow();
      if (remainingMs > 0) return remainingMs;
      this.#holdUntilMonotonic = null;
    }
    if (this.#parts.policies.breakerState === 'open') {
      const waitMs = this.#parts.policies.probeDueInMs ?? 0;
      if (waitMs > 0) return waitMs;
    }
    return Math.max(0, this.#parts.policies.throttledForMs);
  }

  /** Starts claimed-ahead items while slots are free (the caller checked #holdMs). */
  #startAhead(): void {
    for (let claim = this.#slots.takeNextToSend(); claim; claim = this.#slots.takeNextToSend()) {
      if (this.#pausedFolders.has(claim.folder.id)) this.#giveBack([claim], { isUnsent: true });
      else this.#run(claim);
    }
    // A half-open breaker lets one probe through: nothing waits ahead of it.
    if (!this.#slots.canHoldAhead) this.#giveBackAhead(() => true);
  }

  /**
   * Claims up to `count` due items and moves them to uploading in the next group commit (one
   * commit for the claims of every free slot, shared with other workers' outcomes), then
   * starts them in free slots and keeps the rest ahead: an item is sent only after its uploading
   * state and attempt are committed, so a crash after the send finds it tried before, and it is
   * looked for first (exactly-once).
   */
  #claim(count: number): void {
    this.#slots.reserve(count);
    const claiming = this.#commit
      .run(() => this.#startClaims(count))
      .then(
        (claims) => {
          this.#slots.unreserve(count);
          if (this.#isClosed) {
            this.#giveBack(claims);
            return;
          }
          this.#slots.holdAhead(claims);
          if (this.#holdMs() > 0) this.#giveBackAhead(() => true);
          else this.#startAhead();
          this.#scheduleNextDue();
        },
        (error: unknown) => {
          this.#slots.unreserve(count);
          this.#options.logger.error({ err: error }, 'Could not claim items for delivery');
          this.#schedulePump(this.#pollIntervalMs);
        },
      )
      .finally(() => this.#pendingClaims.delete(claiming));
    this.#pendingClaims.add(claiming);
  }

  /** Inside the claim's transaction: claims items and starts an attempt for each. */
  #startClaims(count: number): Claim[] {
    const { store, config, logger } = this.#options;
    const claims: Claim[] = [];
    for (const item of store.claimDeliveries(this.#owner, this.#excludedFolders(), count)) {
      const folder = config.folders.find((candidate) => candidate.id === item.folderId);
      if (this.#inFlight.has(item.id) || !folder) {
        store.releaseClaim(item.id, this.#owner);
        if (!folder && !this.#unknownFolders.has(item.folderId)) {
          this.#unknownFolders.add(item.folderId);
          logger.warn(
            { folderId: item.folderId },
            'Items of a folder that is no longer configured stay queued until it is configured again',
          );
        }
        continue;
      }
      try {
        claims.push(store.transaction(() => this.#startAttempt(item, folder)));
      } catch (error) {
        // The row is not in a state delivery can start from (changed by another writer): give
        // the claim back so the next pump sees the truth; the failure is in the log.
        logger.error({ err: error, itemId: item.id }, 'Could not start a delivery attempt');
        store.releaseClaim(item.id, this.#owner);
      }
    }
    return claims;
  }

  /** Moves a claimed item to uploading with a new attempt row, in the caller's transaction. */
  #startAttempt(claimed: Item, folder: FolderConfig): Claim {
    const { store } = this.#options;
    let item = claimed;
    if (item.state === 'uploading' || item.state === 'verifying') {
      // Left in flight by a process that stopped: start this attempt from the queue.
      item = store.transitionItem(item.id, 'queued', restartedEvent(item));
    }
    const attempt = item.attempts + 1;
    if (item.state === 'retrying' && isAwaitingHash(item)) {
      // Uploaded already: this attempt only reads the file's hash again (hash-check.ts).
      const verifying = store.transitionItem(
        item.id,
        'verifying',
        {},
        { attempts: attempt, nextAttemptAt: null },
      );
      return { item: verifying, folder, attemptId: store.startAttempt(verifying.id) };
    }
    const uploading = store.transitionItem(
      item.id,
      'uploading',
      { attempt },
      { attempts: attempt, nextAttemptAt: null },
    );
    return { item: uploading, folder, attemptId: store.startAttempt(uploading.id) };
  }

  /** Gives back the claimed-ahead items that `isMatch` picks, unsent. */
  #giveBackAhead(isMatch: (claim: Claim) => boolean): void {
    const given = this.#slots.takeAheadWhere(isMatch);
    if (given.length > 0) this.#giveBack(given, { isUnsent: true });
  }

  /**
   * Puts claimed items back in the queue. Claims that committed after close() began keep their
   * attempt, ended as interrupted; items claimed ahead and never sent (`isUnsent`) count no
   * attempt: their attempt row goes and their attempt count is what it was before the claim.
   */
  #giveBack(claims: readonly Claim[], options: { isUnsent?: boolean } = {}): void {
    const { store, logger } = this.#options;
    for (const { item, attemptId } of claims) {
      try {
        store.transaction(() => {
          if (options.isUnsent) {
            store.transitionItem(item.id, 'queued', restartedEvent(item), {
              attempts: Math.max(0, item.attempts - 1),
            });
            store.discardAttempt(attemptId);
            return;
          }
          store.transitionItem(item.id, 'queued', restartedEvent(item));
          store.finishAttempt(attemptId, {
            outcome: 'interrupted',
            httpStatus: null,
            errorCode: null,
            errorMessage: null,
          });
        });
      } catch (error) {
        // The next start's recovery puts an item left uploading back in the queue.
        logger.error(
          { err: error, itemId: item.id },
          'Could not give a claimed item back to the queue; the next start will',
        );
      }
    }
  }

  /**
   * Gives a claim back to the outbox. A store error here (a full disk, a locked file) must not
   * escape from a failure or cleanup path: the claim is remembered and given back on the next
   * pump, so the item is tried again without a restart once the store works (and a restart's
   * recovery releases every claim anyway).
   */
  #release(itemId: number): void {
    try {
      this.#options.store.releaseClaim(itemId, this.#owner);
      this.#unreleasedClaims.delete(itemId);
    } catch (error) {
      if (!this.#unreleasedClaims.has(itemId)) {
        this.#options.logger.error(
          { err: error, itemId },
          'Could not give a claimed item back to the queue; trying again shortly',
        );
      }
      this.#unreleasedClaims.add(itemId);
      this.#schedulePump(this.#pollIntervalMs);
    }
  }

  #retryReleases(): void {
    for (const itemId of this.#unreleasedClaims) {
      if (!this.#inFlight.has(itemId)) this.#release(itemId);
    }
  }

  /** Wakes the pump when the next waiting item falls due, while a slot is free. */
  #scheduleNextDue(): void {
    const { store, clock } = this.#options;
    if (this.#slots.freeToClaim === 0) return;
    const dueAt = store.nextDeliveryDueAt(this.#excludedFolders());
    if (dueAt !== null) {
      this.#schedulePump(Math.min(Math.max(0, dueAt - clock.now()), this.#pollIntervalMs));
    }
  }

  /**
   * Stored waits are wall-clock times (they must survive a restart). When the wall clock went
   * back since they were written — noticed as the wall clock falling behind the monotonic one,
   * and checked once at start for a change while the agent was not running — the store gives
   * each wait its own length again from now, so nothing waits for days (issue 4, "a clock jump
   * never makes an item wait for days").
   */
  #rescheduleAfterClockJump(): void {
    const { clock, store, logger } = this.#options;
    const offsetMs = clock.now() - clock.monotonicNow();
    const previousOffsetMs = this.#wallOffsetMs;
    this.#wallOffsetMs = offsetMs;
    if (previousOffsetMs !== null && offsetMs >= previousOffsetMs - clockJumpToleranceMs) return;
    const count = store.rescheduleAfterClockJump();
    if (count > 0) {
      logger.warn(
        { count },
        'The system clock was set back: waiting items were given their waits again from now',
      );
    }
  }

  #run(claim: Claim): void {
    const controller = new AbortController();
    const entry: InFlight = {
      controller,
      isCancelRequested: false,
      isFinishing: false,
      done: Promise.resolve(),
    };
    this.#inFlight.set(claim.item.id, entry);
    this.#slots.startSending();
    entry.done = this.#deliver(claim, entry).finally(() => {
      this.#inFlight.delete(claim.item.id);
      this.#slots.end(entry.isFinishing);
      this.#schedulePump(0);
    });
  }

  async #deliver({ item, folder, attemptId }: Claim, entry: InFlight): Promise<void> {
    const { store, config, bus, clock, logger } = this.#options;
    const parts = this.#parts;
    if (!parts) return;
    let verifyingRecorded: Promise<void> | undefined =
      item.state === 'verifying' ? Promise.resolve() : undefined;
    try {
      const result = await deliverItem({
        item,
        folder,
        config,
        sharepoint: parts.sharepoint,
        targets: parts.targets,
        store,
        bus,
        clock,
        ...(this.#options.random ? { random: this.#options.random } : {}),
        signal: entry.controller.signal,
        recordVerifying: () => {
          // Once per attempt: a hash read again and the columns after it both ask for it.
          verifyingRecorded ??= this.#commit.runSingleWrite(
            () => void store.transitionItem(item.id, 'verifying', {}),
          );
          return verifyingRecorded;
        },
      });
      // One commit, shared with the other workers' changes of this turn, for verifying (unless
      // recorded before setting columns), delivered and the attempt's end: fsyncs bound
      // delivery's rate of small files (docs/performance.md, figure 3).
      const delivered = this.#commit.runSingleWrite(() =>
        store.recordDelivered(
          item.id,
          {
            remoteUrl: result.remote.webUrl,
            isModifiedByServer: result.isModifiedByServer,
            ...(result.verificationNote ? { verificationNote: result.verificationNote } : {}),
          },
          {
            remoteId: result.remote.id,
            remoteUrl: result.remote.webUrl,
            remoteQuickXorHash: result.isModifiedByServer ? result.remote.quickXorHash : null,
            verificationNote: result.verificationNote,
            uploadSessionUrl: null,
            uploadSessionExpiresAt: null,
            uploadNextOffset: null,
            lastErrorCode: null,
            lastErrorMessage: null,
            nextAttemptAt: null,
          },
          attemptId,
          result.wasAlreadyThere ? 'already-there' : 'delivered',
        ),
      );
      // The next item's claim joins the same commit: its slot needs no network any more.
      this.#lendSlot(entry);
      await delivered;
      this.#clearAuthFailure();
    } catch (error) {
      try {
        const result = await this.#recordFailure(item, error, entry);
        store.finishAttempt(attemptId, result);
      } catch (recordError) {
        // The item's row is in an unexpected state (changed by another writer): give the claim
        // back so the next pump sees the truth; the failure is in the log.
        logger.error(
          { err: recordError, itemId: item.id, cause: error },
          'Could not record a delivery outcome',
        );
        this.#release(item.id);
      }
    }
  }

  #lendSlot(entry: InFlight): void {
    entry.isFinishing = true;
    this.#slots.lend();
    this.#pump();
  }

  /** Turns a failure into the item's next state (nextStateAfterFailure); returns the attempt's record. */
  async #recordFailure(item: Item, error: unknown, entry: InFlight): Promise<AttemptResult> {
    const { store, clock, config, logger } = this.#options;
    const current = store.getItem(item.id) ?? item;
    const failure = classifyAttemptFailure(error, {
      isAborted: entry.controller.signal.aborted,
      isCancelRequested: entry.isCancelRequested,
    });
    if (failure.kind === 'error' && failure.isBug) {
      logger.error({ err: error, itemId: item.id }, 'Unexpected delivery failure (a bug)');
    }
    const now = clock.now();
    const next = nextStateAfterFailure(failure, {
      attempts: current.attempts,
      firstQueuedAt: current.firstQueuedAt,
      now,
      config,
      breakerProbeAt:
        this.#parts?.policies.nextProbeAt ?? now + config.delivery.breaker.probeIntervalMs,
      breakerDetail: this.#breaker.detail,
      random: this.#options.random ?? Math.random,
    });
    if (next.outcome === 'failed' && next.failure.kind === 'config') {
      this.#reportConfigError(next.failure);
    }
    const result = await recordFailure(store, item, next, () =>
      this.#dropSession(current.uploadSessionUrl),
    );
    if (next.outcome === 'retrying' && next.isAuthHold)
      this.#holdForAuth(next.failure, next.waitMs);
    return result;
  }

  /** Cancels an upload session that is no longer of use (never throws). */
  async #dropSession(sessionUrl: string | null): Promise<void> {
    if (!sessionUrl || !this.#parts) return;
    await cancelSession(
      { sharepoint: this.#parts.sharepoint, signal: AbortSignal.timeout(10_000) },
      sessionUrl,
    );
  }

  /** After an auth failure, no item is tried until the wait is over (no burst of failures). */
  #holdForAuth(failure: DeliveryError, waitMs: number): void {
    const { clock, store } = this.#options;
    this.#holdUntilMonotonic = clock.monotonicNow() + waitMs;
    const isNew = this.#authFailure !== failure.message;
    this.#authFailure = failure.message;
    if (isNew) {
      store.appendEvent({
        type: 'connection.changed',
        data: {
          status: this.connectionState().status,
          breaker: this.#parts?.policies.breakerState ?? 'closed',
          nextProbeAt: clock.now() + waitMs,
          detail: failure.message,
        },
      });
    }
  }

  #clearAuthFailure(): void {
    if (this.#authFailure === null) return;
    this.#authFailure = null;
    this.#holdUntilMonotonic = null;
    this.#options.store.appendEvent({
      type: 'connection.changed',
      data: {
        status: this.connectionState().status,
        breaker: this.#parts?.policies.breakerState ?? 'closed',
        nextProbeAt: null,
        detail: 'Signed in again',
      },
    });
  }

  #onBreakerChange(change: BreakerChange): void {
    this.#breaker = change;
    const { store, logger } = this.#options;
    store.appendEvent({
      type: 'connection.changed',
      data: { ...change, status: this.connectionState().status },
    });
    logger.warn({ breaker: change.breaker, nextProbeAt: change.nextProbeAt }, change.detail);
    // Open: the pump gives items claimed ahead back and waits for the probe.
    this.#schedulePump(0);
  }

  #wallTimeOf(monotonicMs: number): number {
    const { clock } = this.#options;
    return clock.now() + (monotonicMs - clock.monotonicNow());
  }
}
