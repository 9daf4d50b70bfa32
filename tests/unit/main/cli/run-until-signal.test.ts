import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const modulePath = fileURLToPath(
  new URL('../../../../src/main/cli/run-until-signal.ts', import.meta.url),
);

/**
 * A real process running runUntilSignal around a close() that takes as long as the test says
 * (a stand-in for in-flight uploads reaching a safe point).
 */
function startProcess(closeDelayMs: number, startDelayMs = 0) {
  const script = `
    import { runUntilSignal } from ${JSON.stringify(modulePath)};
    await runUntilSignal(
      {
        start: async () => {
          process.stdout.write('starting\\n');
          await new Promise((resolve) => setTimeout(resolve, ${startDelayMs}));
          process.stdout.write('ready\\n');
          return {};
        },
        close: () => new Promise((resolve) => setTimeout(resolve, ${closeDelayMs})),
        redactText: (_running, text) => text,
      },
      (line) => process.stdout.write(line + '\\n'),
    );
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const waitForOutput = async (text: string) => {
    while (!output.includes(text)) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  return { child, exited, waitForOutput, output: () => output };
}

describe('stopping a long-running command', () => {
  it('stops gracefully on the first signal and exits 0 once close() is done', async () => {
    const run = startProcess(200);
    await run.waitForOutput('ready');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('SIGTERM: finishing in-flight work');
    expect(run.output()).toContain('Stopped.');
  });

  it('finishes starting, then stops gracefully, on a signal that comes during start-up', async () => {
    const run = startProcess(100, 1_000);
    await run.waitForOutput('starting');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(
      /starting\n[\s\S]*SIGTERM: finishing in-flight work[\s\S]*ready\n[\s\S]*Stopped\./,
    );
  });

  it('exits at once with 130 on a second signal while close() is still running', async () => {
    const run = startProcess(60_000);
    await run.waitForOutput('ready');
    const startedAt = Date.now();
    run.child.kill('SIGINT');
    await run.waitForOutput('finishing in-flight work');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(run.output()).toContain('SIGINT again: exiting now.');
    expect(run.output()).not.toContain('Stopped.');
  });
});
