import type { Config } from '../../../../shared/config-schema.ts';
import type { EventBus } from '../../events/index.ts';
import type { Clock } from '../../lifecycle/index.ts';
import type { Logger } from '../../logging/index.ts';
import type { AttemptResult, GroupCommit, Item, Store } from '../../store/index.ts';
import { cancelSession, deliverItem } from '../deliver-item.ts';
import type { DeliveryParts } from '../delivery-parts.ts';
import {
  classifyAttemptFailure,
  nextStateAfterFailure,
  recordDelivered,
  recordFailure,
} from '../outcomes/index.ts';
import { signInRequiredCode } from '../errors.ts';
import type { Claim, Claims } from './claims.ts';
import type { ConnectionStatus } from './connection-status.ts';

/** An item being delivered, as the worker tracks it. */
export interface InFlight {
  controller: AbortController;
  isCancelRequested: boolean;
  /** Its outcome waits only for its commit: its slot is already lent to the next claim. */
  isFinishing: boolean;
  done: Promise<void>;
}

/** What one attempt uses: the agent's parts and the worker's. */
export interface AttemptContext {
  config: Config;
  store: Store;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  random: () => number;
  parts: DeliveryParts;
  /** Delivery's group commit (docs/performance.md): outcomes join other workers' changes. */
  commit: GroupCommit;
  status: ConnectionStatus;
  claims: Claims;
  /** The item's network work is over: lend its slot to the next claim (joins its commit). */
  lendSlot: () => void;
  /** A claim could not be given back: wake the pump later to try again. */
  wakeLater: () => void;
}

/**
 * Delivers one claimed item and records its outcome: delivered (with the attempt's end, in one
 * group commit), or the state nextStateAfterFailure decides. Never rejects.
 */
export async function runAttempt(
  { item, folder, attemptId }: Claim,
  entry: InFlight,
  context: AttemptContext,
): Promise<void> {
  const { store, config, bus, clock, logger, parts, commit } = context;
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
      random: context.random,
      signal: entry.controller.signal,
      recordVerifying: () => {
        // Once per attempt: a hash read again and the columns after it both ask for it. The
        // slot waits for this commit, so it does not wait for the gathering window.
        if (!verifyingRecorded) {
          verifyingRecorded = commit.runSingleWrite(
            () => void store.transitionItem(item.id, 'verifying', {}),
          );
          commit.hurry();
        }
        return verifyingRecorded;
      },
    });
    // One commit, shared with the other workers' changes of this turn, for verifying (unless
    // recorded before setting columns), delivered and the attempt's end: fsyncs bound
    // delivery's rate of small files (docs/performance.md).
    const delivered = commit.runSingleWrite(() => recordDelivered(store, item, result, attemptId));
    // The next item's claim joins the same commit: its slot needs no network any more.
    entry.isFinishing = true;
    context.lendSlot();
    await delivered;
    context.status.clearAuthFailure();
  } catch (error) {
    try {
      const result = await recordFailedAttempt(item, error, entry, context);
      store.finishAttempt(attemptId, result);
    } catch (recordError) {
      // The item's row is in an unexpected state (changed by another writer): give the claim
      // back so the next pump sees the truth; the failure is in the log.
      logger.error(
        { err: recordError, itemId: item.id, cause: error },
        'Could not record a delivery outcome',
      );
      if (!context.claims.release(item.id)) context.wakeLater();
    }
  }
}

/** Turns a failure into the item's next state (nextStateAfterFailure); returns the attempt's record. */
async function recordFailedAttempt(
  item: Item,
  error: unknown,
  entry: InFlight,
  context: AttemptContext,
): Promise<AttemptResult> {
  const { store, clock, config, logger, parts, status } = context;
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
    breakerProbeAt: parts.policies.nextProbeAt ?? now + config.delivery.breaker.probeIntervalMs,
    breakerDetail: status.breakerDetail,
    random: context.random,
  });
  if (next.outcome === 'failed' && next.failure.kind === 'config') {
    status.reportConfigError(next.failure);
  }
  const result = await recordFailure(store, item, next, () =>
    dropSession(parts, current.uploadSessionUrl),
  );
  if (next.outcome === 'retrying' && next.isAuthHold) status.holdForAuth(next.failure, next.waitMs);
  if (failure.kind === 'error' && failure.error.code === signInRequiredCode) {
    status.requireSignIn(failure.error);
  }
  return result;
}

/** Cancels an upload session that is no longer of use (never throws). */
export async function dropSession(parts: DeliveryParts, sessionUrl: string | null): Promise<void> {
  if (!sessionUrl) return;
  await cancelSession(
    { sharepoint: parts.sharepoint, signal: AbortSignal.timeout(10_000) },
    sessionUrl,
  );
}
