import { exponentialBackoffMs } from '../../../../shared/backoff.ts';
import type { Config } from '../../../../shared/config-schema.ts';

/**
 * The wait before a stored retry: delivery.retry.storedDelayMinMs doubling with each attempt,
 * capped at storedDelayMaxMs, with ±10 % jitter.
 */
export function storedDelayMs(config: Config, attempts: number, random: () => number): number {
  const { storedDelayMinMs, storedDelayMaxMs } = config.delivery.retry;
  return exponentialBackoffMs(
    { firstDelayMs: storedDelayMinMs, maxDelayMs: storedDelayMaxMs, attempt: attempts },
    { jitterRatio: 0.1, random },
  );
}
