/**
 * `sitedrop login --device-code` as a real process, completed on the emulator's /devicelogin
 * form as a person would (a plain form POST with the printed code).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { submitDeviceLogin } from '../../helpers/device-login.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const deviceCodeMessage = /open the page (\S+) and enter the code (\S+) to authenticate/;

/**
 * Runs `sitedrop login --device-code` with `args` (data directory, config) and approves the
 * code it prints; resolves with its exit code and everything it printed.
 */
export async function loginWithDeviceCode(
  args: string[],
  caPem: string,
  env: Record<string, string> = {},
): Promise<{ exitCode: number | null; output: string }> {
  const login = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin', 'sitedrop.js'), 'login', '--device-code', ...args],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  login.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  login.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => login.once('exit', resolve));
  try {
    await expect.poll(() => deviceCodeMessage.test(output) || login.exitCode !== null).toBe(true);
    const [, verificationUri = '', userCode = ''] = deviceCodeMessage.exec(output) ?? [];
    if (verificationUri) {
      expect(await submitDeviceLogin({ verificationUri, userCode, caPem })).toBe(200);
    }
    return { exitCode: await exited, output };
  } finally {
    if (login.exitCode === null) login.kill('SIGKILL');
  }
}
