import { randomUUID } from 'node:crypto';
import { isTenantConfigured, type Config } from '../../../shared/config-schema.ts';
import type { EventBus } from '../events/index.ts';
import { DisposableBase, type Clock, type Disposable } from '../lifecycle/index.ts';
import type { Logger, SecretRedactor } from '../logging/index.ts';
import type { SecretStore } from '../platform.ts';
import { createGroupCommit, type Store } from '../store/index.ts';
import { runConnectionTest, type ConnectionTestReport } from './connection-test.ts';
import {
  createDeliveryParts,
  createGraphParts,
  type DeliveryParts,
  type GraphParts,
} from './delivery-parts.ts';
import { SitePicker } from './graph/site-picker.ts';
import type { DelegatedTokens } from './graph/delegated-token-provider.ts';
import { runAttempt, dropSession, type AttemptContext, type InFlight } from './worker/attempt.ts';
import { Claims, type Claim } from './worker/claims.ts';
import { ClockJumpWatch } from './worker/clock-jump-watch.ts';
import { ConnectionStatus, type ConnectionState } from './worker/connection-status.ts';
import { PauseState, type DeliveryPauseState } from './worker/pause-state.ts';
import { Slots } from './worker/slots.ts';
import { WakeSchedule } from './worker/wake-schedule.ts';
import { warmUp } from './worker/warm-up.ts';
import { RemoteFilesClient, type RemoteFiles } from './remote-files.ts';

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
  /** The signed-in person's tokens, for auth.method "delegated" (the agent's account). */
  delegatedTokens?: DelegatedTokens;
}

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
  /**
   * SharePoint's side of bringing files back, sharing this delivery's token, transport and
   * policies (one Retry-After gate and one breaker for both directions); undefined while no
   * tenant is configured.
   */
  remoteFiles(): RemoteFiles | undefined;
  /**
   * A person pressed "Try now": waits for SharePoint end (the Retry-After gate, the open
   * breaker's probe time) and every retrying item is due at once. Returns those items' ids.
   */
  tryNow(): number[];
  /**
   * The site, library and folder picker, on this delivery's transport and policies (or, before a
   * site is set, on its own with the same settings); undefined without a client id to sign in
   * with.
   */
  sitePicker(): SitePicker | undefined;
}

const defaultPollIntervalMs = 2_000;

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

/** The run loop: slots filled from claims, each item delivered and its outcome recorded. */
class DeliveryWorker extends DisposableBase implements Delivery {
  readonly #options: DeliveryOptions;
  readonly #inFlight = new Map<number, InFlight>();
  /** Items claimed, held ahead and sending; one that cannot be sent goes back unsent. */
  readonly #slots: Slots<Claim>;
  readonly #claims: Claims;
  readonly #pendingClaims = new Set<Promise<void>>();
  readonly #pauses: PauseState;
  readonly #status: ConnectionStatus;
  readonly #clockJumps: ClockJumpWatch;
  readonly #wake: WakeSchedule;
  /** The connection check started when delivery becomes ready; close() aborts it. */
  readonly #warmUp: { controller: AbortController; done?: Promise<void> } = {
    controller: new AbortController(),
  };
  /** What each attempt uses, once a tenant is configured (its `parts` talk to SharePoint). */
  #attemptContext: AttemptContext | undefined;
  #remoteFiles: RemoteFiles | undefined;
  /** The picker's Graph parts while no site is set (delivery has none then). */
  #pickerParts: GraphParts | undefined;

  constructor(options: DeliveryOptions) {
    super();
    const { config, store, clock, logger } = options;
    this.#options = options;
    this.#slots = new Slots<Claim>(
      config.delivery.concurrency,
      () => (this.#parts?.policies.breakerState ?? 'closed') === 'closed',
    );
    const owner = `delivery-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.#claims = new Claims({ config, store, logger, owner });
    this.#pauses = new PauseState(store, logger);
    this.#status = new ConnectionStatus({
      config,
      store,
      clock,
      logger,
      policies: () => this.#parts?.policies,
    });
    this.#clockJumps = new ClockJumpWatch(clock, store, logger);
    this.#wake = new WakeSchedule(clock, () => this.#pump());
  }

  remoteFiles(): RemoteFiles | undefined {
    const parts = this.#parts;
    if (!parts) return undefined;
    this.#remoteFiles ??= new RemoteFilesClient({ ...parts, clock: this.#options.clock });
    return this.#remoteFiles;
  }

  sitePicker(): SitePicker | undefined {
    const { config, clock } = this.#options;
    const canSignIn =
      Boolean(config.auth.clientId) &&
      (config.auth.method === 'delegated' || Boolean(config.auth.tenantId));
    if (!this.#parts && !this.isClosed && canSignIn) {
      this.#pickerParts ??= createGraphParts({ ...this.#options, onBreakerChange: () => {} });
    }
    const parts = this.#parts ?? this.#pickerParts;
    return parts ? new SitePicker({ ...parts, clock }) : undefined;
  }

  get #parts(): DeliveryParts | undefined {
    return this.#attemptContext?.parts;
  }

  get #pollIntervalMs(): number {
    return this.#options.pollIntervalMs ?? defaultPollIntervalMs;
  }

  async start(): Promise<void> {
    if (isTenantConfigured(this.#options.config)) {
      const parts = createDeliveryParts({
        ...this.#options,
        onBreakerChange: (change) => {
          this.#status.recordBreakerChange(change);
          // Open: the pump gives items claimed ahead back and waits for the probe.
          this.#wake.wakeIn(0);
        },
        onThrottle: () => this.#status.recordThrottle(),
      });
      this.#attemptContext = this.#createAttemptContext(parts);
    }
    this.#wake.wakeOnEvent((listener) => this.#options.bus.onDid('item.queued', listener));
    await this.#checkReady();
    this.#wake.startPolling(this.#pollIntervalMs, () => this.#checkReady());
  }

  connectionState(): ConnectionState {
    return this.#status.state();
  }

  tryNow(): number[] {
    this.#parts?.policies.tryNow();
    const itemIds = this.#options.store.makeRetryingDueNow();
    this.#status.recordTryNow();
    this.#wake.wakeIn(0);
    return itemIds;
  }

  pause(folderId: string | null): void {
    this.#pauses.pause(folderId);
    this.#giveBackAhead((claim) => folderId === null || claim.folder.id === folderId);
  }

  resume(folderId: string | null): void {
    this.#pauses.resume(folderId);
    this.#wake.wakeIn(0);
  }

  pauseState(): DeliveryPauseState {
    return this.#pauses.snapshot();
  }

  async cancelItem(itemId: number): Promise<boolean> {
    this.#giveBackAhead((claim) => claim.item.id === itemId);
    const running = this.#inFlight.get(itemId);
    const { store } = this.#options;
    if (running) {
      running.isCancelRequested = true;
      running.controller.abort(new Error('cancelled'));
      await running.done;
      return store.getItem(itemId)?.state === 'cancelled';
    }
    const item = store.getItem(itemId);
    if (!item || !['queued', 'retrying', 'failed'].includes(item.state)) return false;
    if (this.#parts) await dropSession(this.#parts, item.uploadSessionUrl);
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

  protected override async onClose(): Promise<void> {
    this.#wake.close();
    this.#giveBackAhead(() => true);
    // Aborting is the safe point: a simple PUT is looked for before it is sent again, and an
    // upload session continues from the range the session itself reports.
    const running = [...this.#inFlight.values()];
    for (const entry of running) entry.controller.abort(new Error('delivery is closing'));
    this.#warmUp.controller.abort(new Error('delivery is closing'));
    await Promise.all([
      ...running.map((entry) => entry.done),
      ...this.#pendingClaims,
      this.#warmUp.done,
    ]);
    this.#parts?.transport.close();
    this.#pickerParts?.transport.close();
  }

  async #checkReady(): Promise<void> {
    if (this.#status.isReady || !this.#parts) return;
    const { logger } = this.#options;
    try {
      this.#status.isReady = await this.#parts.tokens.hasCredential();
    } catch (error) {
      logger.warn({ err: error }, 'The secret store cannot be read');
      this.#status.isReady = false;
    }
    if (this.#status.isReady) {
      logger.info('Delivery is connected and running');
      this.#warmUp.done ??= this.#startWarmUp(this.#parts).catch((error: unknown) => {
        logger.error({ err: error }, 'Could not record a failure to connect');
      });
    }
  }

  /** Connects in the background as soon as delivery is ready (warmUp); never rejects. */
  async #startWarmUp(parts: DeliveryParts): Promise<void> {
    if (this.isClosed) return;
    await warmUp(parts, {
      config: this.#options.config,
      logger: this.#options.logger,
      status: this.#status,
      random: this.#random,
      signal: this.#warmUp.controller.signal,
      wakeNow: () => this.#wake.wakeIn(0),
    });
  }

  #createAttemptContext(parts: DeliveryParts): AttemptContext {
    const { config, store, bus, clock, logger } = this.#options;
    return {
      ...{ config, store, bus, clock, logger, parts },
      random: this.#random,
      // Claims and outcomes of concurrent workers share commits (docs/performance.md), gathered
      // for delivery.commitGatherMs: a slot does not wait for them, it sends its item ahead, and
      // the pump ends the wait once no item is left ahead (#pump). So responses that a slow
      // server spreads out share fsyncs as a burst's do, and nothing waits on an idle window.
      commit: createGroupCommit(store, { gatherMs: config.delivery.commitGatherMs }),
      status: this.#status,
      claims: this.#claims,
      lendSlot: () => {
        this.#slots.lend();
        this.#pump();
      },
      wakeLater: () => this.#wake.wakeIn(this.#pollIntervalMs),
    };
  }

  get #random(): () => number {
    return this.#options.random ?? Math.random;
  }

  #excludedFolders(): string[] {
    return [...this.#pauses.pausedFolderIds, ...this.#claims.unknownFolderIds];
  }

  /** Starts claimed items in free slots and claims due items ahead; schedules the next wake-up. */
  #pump(): void {
    if (this.isClosed || !this.#parts) return;
    const holdMs = this.#holdMs();
    if (holdMs > 0) {
      // Nothing is sent meanwhile: items claimed ahead go back to the queue, unsent.
      this.#giveBackAhead(() => true);
      if (holdMs < Number.POSITIVE_INFINITY) this.#wake.wakeIn(holdMs);
      return;
    }
    this.#clockJumps.check();
    if (!this.#claims.retryReleases((itemId) => this.#inFlight.has(itemId))) {
      this.#wake.wakeIn(this.#pollIntervalMs);
    }
    this.#startAhead();
    const free = this.#slots.freeToClaim;
    if (free > 0) this.#claim(free);
    // The next slot to free up would have nothing to send until the claims commit.
    if (this.#slots.isWaitingForClaims) this.#attemptContext!.commit.hurry();
  }

  /**
   * How long no item may be sent (0: send now; infinite: until something else wakes the pump):
   * not connected, all paused, an auth failure's wait, the breaker open until its probe, or a
   * Retry-After (ThrottleGate).
   */
  #holdMs(): number {
    if (!this.#status.isReady || this.#pauses.isPausedAll || !this.#parts) {
      return Number.POSITIVE_INFINITY;
    }
    const authHoldMs = this.#status.authHoldMs();
    if (authHoldMs > 0) return authHoldMs;
    const { policies } = this.#parts;
    if (policies.breakerState === 'open') {
      const waitMs = policies.probeDueInMs ?? 0;
      if (waitMs > 0) return waitMs;
    }
    return Math.max(0, policies.throttledForMs);
  }

  /** Starts claimed-ahead items while slots are free (the caller checked #holdMs). */
  #startAhead(): void {
    for (let claim = this.#slots.takeNextToSend(); claim; claim = this.#slots.takeNextToSend()) {
      if (this.#pauses.isFolderPaused(claim.folder.id)) {
        this.#claims.giveBack([claim], { isUnsent: true });
      } else {
        this.#run(claim);
      }
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
    const isInFlight = (itemId: number) => this.#inFlight.has(itemId);
    // Claims exist only once a tenant is configured (the pump checks it), and so does the context.
    const claiming = this.#attemptContext!.commit.run(() =>
      this.#claims.claimDue(count, this.#excludedFolders(), isInFlight),
    )
      .then(
        (claims) => {
          this.#slots.unreserve(count);
          if (this.isClosed) {
            this.#claims.giveBack(claims);
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
          this.#wake.wakeIn(this.#pollIntervalMs);
        },
      )
      .finally(() => this.#pendingClaims.delete(claiming));
    this.#pendingClaims.add(claiming);
  }

  /** Gives back the claimed-ahead items that `isMatch` picks, unsent. */
  #giveBackAhead(isMatch: (claim: Claim) => boolean): void {
    const given = this.#slots.takeAheadWhere(isMatch);
    if (given.length > 0) this.#claims.giveBack(given, { isUnsent: true });
  }

  /** Wakes the pump when the next waiting item falls due, while a slot is free. */
  #scheduleNextDue(): void {
    const { store, clock } = this.#options;
    if (this.#slots.freeToClaim === 0) return;
    const dueAt = store.nextDeliveryDueAt(this.#excludedFolders());
    if (dueAt !== null) {
      this.#wake.wakeIn(Math.min(Math.max(0, dueAt - clock.now()), this.#pollIntervalMs));
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
    entry.done = runAttempt(claim, entry, this.#attemptContext!).finally(() => {
      this.#inFlight.delete(claim.item.id);
      this.#slots.end(entry.isFinishing);
      this.#wake.wakeIn(0);
    });
  }
}
