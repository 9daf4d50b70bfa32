/**
 * Checks `condition` every `intervalMs` until it holds; past `timeoutMs`, throws the error that
 * `describeFailure` words (read then, so it can say how far things got). The bench's drivers
 * wait this way for what a child process reports: counts by notice, the emulator's request log.
 */
export async function pollUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describeFailure: () => string,
  intervalMs = 20,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(describeFailure());
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
