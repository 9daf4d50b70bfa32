/** What a long-running command closes when asked to stop. */
export interface StoppableRun {
  /** Graceful stop: let in-flight work reach a safe point, close everything. */
  close(signal: NodeJS.Signals): Promise<void>;
  /** Removes secrets from an error text before it is printed. */
  redactText(text: string): string;
}

/**
 * Keeps the process running until SIGINT or SIGTERM, then stops gracefully.
 *
 * The first signal calls close() and lets the process end once it resolves (exit code 0; a
 * handle left open would keep it running, which tests catch). A second signal exits at once
 * with 130: SQLite's transactions keep the database whole, a half-finished step rolls back at
 * the next start. Shared by `agent`, `demo` and `emulator`.
 */
export function runUntilSignal(run: StoppableRun, print: (line: string) => void): void {
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  let signalCount = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signalCount += 1;
    if (signalCount > 1) {
      print(`${signal} again: exiting now.`);
      process.exit(130);
    }
    print(`${signal}: finishing in-flight work and stopping (press again to exit at once)…`);
    run.close(signal).then(
      () => {
        clearInterval(keepAlive);
        print('Stopped.');
        process.exitCode = 0;
      },
      (error: unknown) => {
        print(`Stopped with an error: ${run.redactText(String(error))}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
