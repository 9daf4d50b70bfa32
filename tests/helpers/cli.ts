import {
  spawn,
  spawnSync,
  type ChildProcessWithoutNullStreams,
  type SpawnOptionsWithoutStdio,
} from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const binPath = fileURLToPath(new URL('../../bin/sitedrop.js', import.meta.url));

/** Environment for a CLI process confined to a temp home (no machine policy file). */
export function cliEnvironment(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    SITEDROP_POLICY_FILE: path.join(home, 'policy.json'),
    // Any free status port, so CLI agents in parallel tests never compete for 47821.
    SITEDROP_FEED_PORT: '0',
    ...extra,
  };
}

/**
 * Runs `sitedrop ARGS` to completion; `user` runs it as another user (uid and gid; needs root),
 * e.g. to prove that a folder's mode is honoured.
 */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  user: { uid?: number; gid?: number } = {},
) {
  const result = spawnSync(process.execPath, [binPath, ...args], {
    env,
    encoding: 'utf8',
    timeout: 30_000,
    ...user,
  });
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A long-running child process with its output collected, killed when the test finishes. */
export class CollectedProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(command: string, args: string[], options: SpawnOptionsWithoutStdio = {}) {
    this.child = spawn(command, args, options);
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    onTestFinished(async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    });
  }

  /** Waits until stdout contains text (or the process exits, or time runs out). */
  async waitForOutput(text: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stdout.includes(text)) {
      if (this.child.exitCode !== null) {
        throw new Error(
          `exited with ${this.child.exitCode} before printing "${text}":\n${this.stdout}\n${this.stderr}`,
        );
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for "${text}":\n${this.stdout}\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** A long-running `sitedrop` process (agent, demo) with its output collected. */
export class CliProcess extends CollectedProcess {
  /** `user` runs it as another user (uid and gid; needs root), e.g. to prove a file mode holds. */
  constructor(args: string[], env: NodeJS.ProcessEnv, user: { uid?: number; gid?: number } = {}) {
    super(process.execPath, [binPath, ...args], { env, ...user });
  }
}
