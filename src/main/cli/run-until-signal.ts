/** How a long-running command starts and stops what it runs. */
export interface StoppableCommand<T> {
  /** Starts the work (and prints its first lines). */
  start(): Promise<T>;
  /** Graceful stop: let in-flight work reach a safe point, close everything. */
  close(running: T, signal: NodeJS.Signals): Promise<void>;
  /** Removes secrets from an error text before it is printed. */
  redactText(running: T, text: string): string;
}

/**
 * Starts a command and keeps the process running until SIGINT or SIGTERM, then stops it
 * gracefully. Shared by `agent`, `demo` and `emulator`.
 *
 * The handlers are installed before start(), so a signal during start-up is not fatal: the
 * command finishes starting, then closes gracefully. The first signal calls close() and lets
 * the process end once it resolves (exit code 0; a handle left open would keep it running,
 * which tests catch). A second signal exits at once with 130: SQLite's transactions keep the
 * database whole, and a half-finished step rolls back at the next start.
 *
 * @returns what start() returned, once started.
 */
export async function runUntilSignal<T>(
  command: StoppableCommand<T>,
  print: (line: string) => void,
): Promise<T> {
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  let running: T | undefined;
  let pendingSignal: NodeJS.Signals | undefined;
  let signalCount = 0;

  const stop = (started: T, signal: NodeJS.Signals) => {
    command.close(started, signal).then(
      () => {
        clearInterval(keepAlive);
        print('Stopped.');
        process.exitCode = 0;
      },
      (error: unknown) => {
        print(`Stopped with an error: ${command.redactText(started, String(error))}`);
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    signalCount += 1;
    if (signalCount > 1) {
      print(`${signal} again: exiting now.`);
      process.exit(130);
    }
    print(`${signal}: finishing in-flight work and stopping (press again to exit at once)…`);
    if (running === undefined) pendingSignal = signal;
    else stop(running, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    running = await command.start();
  } catch (error) {
    clearInterval(keepAlive);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    throw error;
  }
  if (pendingSignal) stop(running, pendingSignal);
  return running;
}
