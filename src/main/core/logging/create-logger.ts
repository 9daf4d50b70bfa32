import fs from 'node:fs';
import path from 'node:path';
import { pino, type Logger, type StreamEntry } from 'pino';
import buildRollingFile from 'pino-roll';
import { PinoPretty } from 'pino-pretty';
import type { Disposable } from '../lifecycle/index.ts';
import { SecretRedactor } from './redact.ts';

export type { Logger } from 'pino';

/** Options for the agent's logger. */
export interface LoggerOptions {
  /** Logs go to DIR/logs/sitedrop.N.log, rotated by size. */
  dataDir: string;
  level: string;
  maxFileBytes: number;
  maxFiles: number;
  /** Also print readable lines to stderr (development, the headless CLI). */
  console: boolean;
}

/** A logger, the redactor it scrubs with, and how to flush and close its file. */
export interface AgentLogger extends Disposable {
  logger: Logger;
  redactor: SecretRedactor;
  /** The folder holding the log files. */
  logDir: string;
  /** Writes out everything logged so far. */
  flush(): void;
}

/**
 * Structured logging with pino to a size-capped, rotating file in the data directory, with
 * secrets redacted from every object and every string before they are written.
 */
export async function createLogger(options: LoggerOptions): Promise<AgentLogger> {
  const logDir = path.join(options.dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const file = await buildRollingFile({
    file: path.join(logDir, 'sitedrop'),
    extension: '.log',
    size: `${Math.max(1, Math.ceil(options.maxFileBytes / 1024))}k`,
    limit: { count: Math.max(1, options.maxFiles - 1), removeOtherLogFiles: true },
    mkdir: true,
    mode: 0o600,
    // SonicBoom measures the byte length of the chunk it appends to on every line (sonic-boom
    // 4.2 and 5.0), so small chunks keep a burst of log lines cheap (docs/performance.md, "Why
    // the code is shaped so", Logging). Writes stay asynchronous and in order.
    maxWrite: 4096,
  });
  // Size rotation runs on the stream's 'drain', so the stream stays asynchronous; wait until
  // its file is open so that flush() works from the first line.
  await new Promise<void>((resolve, reject) => {
    file.once('ready', resolve);
    file.once('error', reject);
  });
  // A full or failing disk must not stop the agent (docs/durability.md, "A full disk"). An
  // 'error' event without a listener would end the process; SonicBoom keeps the lines it could
  // not write and tries again with the next one, so say it once on stderr and carry on.
  let isWriteFailing = false;
  file.on('error', (error: NodeJS.ErrnoException) => {
    if (isWriteFailing) return;
    isWriteFailing = true;
    process.stderr.write(
      `SiteDrop cannot write its log in ${logDir} (${error.code ?? error.message}); it keeps running and writes the log again when it can: free disk space there.\n`,
    );
  });
  file.on('write', () => {
    isWriteFailing = false;
  });
  const streams: StreamEntry[] = [{ stream: file, level: options.level as pino.Level }];
  if (options.console) {
    streams.push({
      stream: PinoPretty({ destination: 2, colorize: process.stderr.isTTY, sync: true }),
      level: options.level as pino.Level,
    });
  }
  const redactor = new SecretRedactor();
  const logger = pino(
    {
      level: options.level,
      base: { pid: process.pid },
      serializers: { err: (error: unknown) => redactor.redactValue(error) },
      hooks: {
        // Every argument of every call (merge object, message, interpolated values) is
        // redacted here, once: a second pass in formatters.log would double the cost of a log
        // line, which intake pays per file in a burst.
        logMethod(args, method) {
          const redacted = args.map((arg) => redactor.redactValue(arg));
          return method.apply(this, redacted as Parameters<typeof method>);
        },
      },
    },
    pino.multistream(streams),
  );
  let isClosed = false;
  return {
    logger,
    redactor,
    logDir,
    flush: () => flushIfPossible(file),
    close: () => {
      if (isClosed) return;
      isClosed = true;
      flushIfPossible(file);
      return new Promise<void>((resolve) => {
        file.once('close', resolve);
        file.end();
      });
    },
  };
}

/**
 * Writes out the buffered lines now; when the disk refuses them (full, gone), they are dropped
 * with the stream: logs are diagnostics, not state, and closing must not fail for them.
 */
function flushIfPossible(file: { flushSync(): void }): void {
  try {
    file.flushSync();
  } catch (error) {
    process.stderr.write(
      `SiteDrop could not write its last log lines: ${(error as Error).message}\n`,
    );
  }
}
