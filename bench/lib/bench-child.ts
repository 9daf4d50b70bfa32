import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A message a bench child sends on its own (not a reply). */
export interface ChildNotice {
  type: 'notice';
  name: string;
  data: unknown;
}

interface ChildReply {
  type: 'reply';
  id: number;
  result?: unknown;
  error?: string;
}

/** Options of a bench child process. */
export interface BenchChildOptions {
  /** Arguments the child reads with readChildArguments(). */
  args: unknown;
  /** Pin to this core with taskset (null: not pinned). */
  cpu: number | null;
  /** Extra flags for node (e.g. --cpu-prof). */
  nodeFlags?: string[];
  env?: Record<string, string>;
}

/** A running bench child: remote calls, notices, and close. */
export interface BenchChild {
  readonly pid: number;
  /** Calls a handler the child registered with serveParent; rejects with its error. */
  call<T>(name: string, args?: unknown): Promise<T>;
  /** Listens to the child's notices of a name. */
  onNotice(name: string, listener: (data: unknown) => void): void;
  /** Waits until the child exits (after a 'close' call, say), killing it after timeoutMs. */
  waitForExit(timeoutMs?: number): Promise<number | null>;
  /** Asks the child to close (its 'close' handler), then waits for it to exit. */
  close(): Promise<void>;
}

/**
 * Starts `node <entry>` as a separate process with an IPC channel, pinned with taskset when a
 * core is given. Resolves when the child's serveParent() announced that it is ready.
 */
export async function startBenchChild(
  entry: string | URL,
  options: BenchChildOptions,
): Promise<BenchChild> {
  const entryPath = typeof entry === 'string' ? entry : fileURLToPath(entry);
  const nodeArgs = [...(options.nodeFlags ?? []), entryPath];
  const [command, args] =
    options.cpu === null
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', String(options.cpu), process.execPath, ...nodeArgs]];
  const child: ChildProcess = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      ...options.env,
      SITEDROP_BENCH_CHILD_ARGS: JSON.stringify(options.args),
    },
  });
  const waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  const listeners = new Map<string, ((data: unknown) => void)[]>();
  let nextId = 1;
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      for (const { reject } of waiting.values()) {
        reject(new Error(`bench child ${entryPath} exited (code ${code}) before it replied`));
      }
      waiting.clear();
      resolve(code);
    });
  });
  child.on('message', (raw) => {
    const message = raw as ChildReply | ChildNotice;
    if (message.type === 'reply') {
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.result);
    } else {
      for (const listener of listeners.get(message.name) ?? []) listener(message.data);
    }
  });
  const ready = new Promise<void>((resolve, reject) => {
    listeners.set('ready', [() => resolve()]);
    void exited.then((code) =>
      reject(new Error(`bench child ${entryPath} exited (code ${code}) while starting`)),
    );
  });
  await ready;

  const handle: BenchChild = {
    pid: child.pid ?? -1,
    call<T>(name: string, args?: unknown): Promise<T> {
      if (exitCode !== undefined)
        return Promise.reject(new Error(`bench child ${entryPath} has exited`));
      const id = nextId;
      nextId += 1;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: (value) => resolve(value as T), reject });
        child.send({ type: 'call', id, name, args });
      });
    },
    onNotice(name, listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
    },
    async waitForExit(timeoutMs = 30_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (exitCode !== undefined) return;
      try {
        await handle.call('close');
      } catch {
        // It exited while closing: that is what close asks for.
      }
      await handle.waitForExit();
    },
  };
  return handle;
}
