import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnvironment, runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/** The printed line of one check, e.g. `[ok  ] folder requests  …`. */
function lineOf(stdout: string, checkName: string): string | undefined {
  return stdout.split('\n').find((line) => line.slice(7).startsWith(`${checkName} `));
}

// Root may write into any folder whatever its mode, so as root doctor runs as "nobody".
const isRoot = process.getuid?.() === 0;
const unprivilegedUser = isRoot ? { uid: 65_534, gid: 65_534 } : {};

describe('sitedrop doctor on a fresh install', () => {
  it('passes, and says the default request folder will be created at start', () => {
    const home = makeTempDir();
    const result = runCli(['doctor'], cliEnvironment(home));
    const requestFolder = path.join(home, 'SiteDrop', 'Requests');

    expect(result.stdout).not.toContain('[FAIL]');
    expect(result.exitCode).toBe(0);
    expect(lineOf(result.stdout, 'folder requests')).toBe(
      `[ok  ] folder requests  ${requestFolder} does not exist yet; it will be created at start`,
    );
    expect(lineOf(result.stdout, 'database')).toContain('the agent creates it at start');
    // Doctor only looks: the folder is the agent's to create.
    expect(fs.existsSync(requestFolder)).toBe(false);
  });

  it('fails, naming the folder and the fix, when a file stands where a parent folder must be', () => {
    const home = makeTempDir();
    const blocker = path.join(home, 'SiteDrop');
    fs.writeFileSync(blocker, 'not a folder');
    const result = runCli(['doctor'], cliEnvironment(home));
    const requestFolder = path.join(blocker, 'Requests');

    expect(result.exitCode).toBe(1);
    expect(lineOf(result.stdout, 'folder requests')).toBe(
      `[FAIL] folder requests  ${requestFolder} cannot be created at start: ${blocker} is a file, ` +
        `not a folder; fix: move that file away, or set the folder's path to another folder`,
    );
  });

  it.runIf(process.platform !== 'win32')(
    'fails, naming the folder and the fix, when the parent folder is not writable',
    () => {
      const home = makeTempDir();
      const parent = path.join(home, 'SiteDrop');
      fs.mkdirSync(parent);
      fs.chmodSync(parent, 0o555);
      // The unprivileged user must reach the home directory to check it.
      fs.chmodSync(home, 0o755);
      const result = runCli(['doctor'], cliEnvironment(home), unprivilegedUser);
      const requestFolder = path.join(parent, 'Requests');

      expect(result.exitCode).toBe(1);
      expect(lineOf(result.stdout, 'folder requests')).toBe(
        `[FAIL] folder requests  ${requestFolder} cannot be created at start: ${parent} is not ` +
          `writable (EACCES); fix: create ${requestFolder} yourself, or make ${parent} writable`,
      );
    },
  );
});
