/**
 * Runs a task within the intake-wide limit on concurrent file reads. `sizeBytes`, when known,
 * lets small files share a wider limit than large ones (their buffers are small).
 */
export type ReadLimiter = <T>(task: () => Promise<T>, sizeBytes?: number) => Promise<T>;

/** How many files intake reads (hashes) at once, across all folders. */
const concurrentReads = 4;
/**
 * How many small files (up to smallFileBytes) intake reads at once besides: enough that a burst's
 * records become ready together and share a commit (the store's group commit: one fsync for
 * many files), while their buffers stay small (at most 64 × 64 KiB).
 */
const concurrentSmallReads = 64;

/** Intake's read limiter: small files (up to `smallFileBytes`) and larger ones each have theirs. */
export function createReadLimiter(smallFileBytes: number): ReadLimiter {
  const limitLargeReads = createLimiter(concurrentReads);
  const limitSmallReads = createLimiter(concurrentSmallReads);
  return (task, sizeBytes) =>
    sizeBytes !== undefined && sizeBytes <= smallFileBytes
      ? limitSmallReads(task)
      : limitLargeReads(task);
}

/** A limiter: at most `limit` tasks run at once, the rest wait in order. */
function createLimiter(limit: number): ReadLimiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next waiter, so none can slip in between.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
