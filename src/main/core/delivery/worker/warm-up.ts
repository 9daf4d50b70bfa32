import type { Config } from '../../../../shared/config-schema.ts';
import type { Logger } from '../../logging/index.ts';
import type { DeliveryParts } from '../delivery-parts.ts';
import { DeliveryError, signInRequiredCode } from '../errors.ts';
import { isBreakerOpenError } from '../resilience/index.ts';
import { storedDelayMs } from '../resilience/index.ts';
import type { ConnectionStatus } from './connection-status.ts';

/** What warmUp uses besides the parts. */
export interface WarmUpContext {
  config: Config;
  logger: Logger;
  status: ConnectionStatus;
  random: () => number;
  /** Aborted by close(). */
  signal: AbortSignal;
  /** An auth failure holds delivery: the pump must look again. */
  wakeNow: () => void;
}

/**
 * Connects before any file arrives: the token, the site id and each folder's drive id, through
 * the same policies as a file (timeouts, the Retry-After gate, the breaker). A person sees at
 * once whether the tenant, site and libraries are right, and the first file's PUT does not
 * wait for three lookups in a row (docs/delivery.md, "Connecting at start"). It sends no file,
 * so it runs while paused too.
 *
 * Never rejects: a failure is handled as the first item's would be (it meets it again anyway).
 */
export async function warmUp(parts: DeliveryParts, context: WarmUpContext): Promise<void> {
  const { config, logger, signal } = context;
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
    if (signal.aborted) return;
    onWarmUpFailure(error, context);
  }
}

function onWarmUpFailure(error: unknown, context: WarmUpContext): void {
  const { config, logger, status } = context;
  if (isBreakerOpenError(error)) return; // The breaker reported itself (onBreakerChange).
  if (!(error instanceof DeliveryError)) {
    logger.error({ err: error }, 'Unexpected failure while connecting (a bug)');
  } else if (error.code === signInRequiredCode) {
    status.requireSignIn(error);
  } else if (error.kind === 'auth') {
    status.holdForAuth(error, storedDelayMs(config, 1, context.random));
    context.wakeNow();
  } else if (error.kind === 'config' || error.kind === 'permanent') {
    status.reportConfigError(error);
  } else {
    logger.warn(
      { code: error.code },
      `Could not connect yet; the first file tries again: ${error.message}`,
    );
  }
}
