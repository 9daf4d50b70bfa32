import fs from 'node:fs';

/** A handler of calls from the bench driver. */
export type ParentCallHandler = (args: unknown) => unknown;

/**
 * Reads the arguments the driver passed to this bench child (startBenchChild's `args`).
 *
 * @throws Error when the process was not started as a bench child.
 */
export function readChildArguments<T>(): T {
  const raw = process.env.SITEDROP_BENCH_CHILD_ARGS;
  if (raw === undefined)
    throw new Error('Not started as a bench child (no SITEDROP_BENCH_CHILD_ARGS)');
  return JSON.parse(raw) as T;
}

/** Sends a notice (not a reply) to the driver. */
export function notifyParent(name: string, data: unknown): void {
  process.send?.({ type: 'notice', name, data });
}

/**
 * Answers the driver's calls with the given handlers and announces readiness. A `close` handler
 * runs and then the process exits; without one, `close` just exits. A handler that throws sends
 * its message back as the call's error.
 */
export function serveParent(handlers: Record<string, ParentCallHandler>): void {
  process.on('message', (raw) => {
    const message = raw as { type: string; id: number; name: string; args: unknown };
    if (message.type !== 'call') return;
    const handler = handlers[message.name];
    void (async () => {
      try {
        if (!handler && message.name !== 'close') {
          throw new Error(`no handler named ${message.name}`);
        }
        const result = handler ? await handler(message.args) : undefined;
        process.send?.({ type: 'reply', id: message.id, result });
      } catch (error) {
        process.send?.({
          type: 'reply',
          id: message.id,
          error: String((error as Error)?.stack ?? error),
        });
      }
      if (message.name === 'close') {
        process.disconnect?.();
        setTimeout(() => process.exit(0), 50).unref();
      }
    })();
  });
  notifyParent('ready', { pid: process.pid });
}

/** This process's resident set now and at its peak (VmRSS and VmHWM on Linux), in bytes. */
export function readMemory(): { rssBytes: number; peakRssBytes: number } {
  const rssBytes = process.memoryUsage.rss();
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const peak = /VmHWM:\s+(\d+) kB/.exec(status);
    return { rssBytes, peakRssBytes: peak?.[1] ? Number(peak[1]) * 1024 : rssBytes };
  } catch {
    // Not Linux: the current resident set is the best peak we can read.
    return { rssBytes, peakRssBytes: rssBytes };
  }
}

/**
 * Tracks the highest RSS seen from now until stop() (10 ms samples; VmHWM covers the whole
 * process's life). Only while asked: the samples cost the process measured ~1% of its CPU.
 */
export function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}
