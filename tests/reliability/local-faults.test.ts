import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ConfigInput } from '../../src/shared/config-schema.ts';
import { emulatorConfigLayer, MemorySecretStore } from '../../src/main/cli/demo-command.ts';
import { startAgent, type Agent } from '../../src/main/core/agent.ts';
import { systemClock, type Clock } from '../../src/main/core/lifecycle/index.ts';
import { secretNames } from '../../src/main/core/platform.ts';
import {
  itemFromRow,
  listItemRows,
  openDatabaseReadOnly,
  type Item,
} from '../../src/main/core/store/index.ts';
import {
  DEMO_CLIENT_SECRET,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
  type GraphEmulator,
} from '../../tools/graph-emulator/index.ts';
import { CliProcess, cliEnvironment } from '../helpers/cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { listAllItems } from '../helpers/test-agent.ts';
import { sleep, waitFor } from '../helpers/wait-for.ts';
import {
  CaseTally,
  closeInProcessAgents,
  countEmulatorCase,
  stopAgentProcess,
  watchForCrashes,
  type AgentEnd,
  type LossFigures,
} from './case-figures.ts';
import { recordReliabilityFigures } from './report.ts';

const isRoot = process.getuid?.() === 0;
const sitedropBin = fileURLToPath(new URL('../../bin/sitedrop.js', import.meta.url));
const injected: Record<string, number> = {};
const count = (kind: string) => (injected[kind] = (injected[kind] ?? 0) + 1);

/** An emulator and the config layer that points an agent at it, on a temp home. */
async function startLoop(home: string, extra: ConfigInput = {}) {
  const watchDir = path.join(home, 'requests');
  fs.mkdirSync(watchDir, { recursive: true });
  const emulator = await startGraphEmulator({
    ...buildDefaultEmulatorOptions(path.join(home, 'sharepoint')),
    caFile: path.join(home, 'ca.pem'),
  });
  onTestFinished(() => emulator.close());
  const config: ConfigInput = {
    folders: [{ id: 'requests', path: watchDir, stabilityWindowMs: 200 }],
    ...emulatorConfigLayer(emulator),
    intake: { folderCheckIntervalMs: 200, reconcileIntervalMs: 1_000 },
    delivery: {
      retry: { inProcessDelaysMs: [50], storedDelayMinMs: 1_000, storedDelayMaxMs: 2_000 },
    },
    ...extra,
  };
  const configPath = path.join(home, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  return { emulator, watchDir, configPath, library: path.join(emulator.rootDir, 'Documents') };
}

async function startInProcessAgent(
  dataDir: string,
  configPath: string,
  clock: Clock = systemClock,
): Promise<Agent> {
  const agent = await startAgent({
    dataDir,
    defaults: {},
    configPath,
    policyPath: path.join(dataDir, '..', 'no-policy.json'),
    clock,
    secretStore: new MemorySecretStore({ [secretNames.clientSecret]: DEMO_CLIENT_SECRET }),
  });
  onTestFinished(() => agent.close('test finished'));
  return agent;
}

function deliveredNames(agent: Agent): string[] {
  return listAllItems(agent.store)
    .filter((item) => item.state === 'delivered')
    .map((item) => item.relativePath)
    .sort();
}

function integrityOf(databaseFile: string): string {
  const db = new Database(databaseFile, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

function remoteNames(emulator: GraphEmulator): string[] {
  const library = path.join(emulator.rootDir, 'Documents');
  return fs.existsSync(library) ? fs.readdirSync(library).sort() : [];
}

/** The items of an agent process's database, read once it has stopped. */
function readItems(dataDir: string): Item[] {
  const db = openDatabaseReadOnly(dataDir);
  try {
    return listItemRows(db, { limit: Number.MAX_SAFE_INTEGER }).map(itemFromRow);
  } finally {
    db.close();
  }
}

const tally = new CaseTally<LossFigures>();

/**
 * Counts what the case lost, duplicated and crashed from where its files ended, records the
 * figures for the report, and requires each to be none.
 */
function expectNothingLost(
  record: (figures: LossFigures) => void,
  outcome: {
    emulator: GraphEmulator;
    dropped: readonly string[];
    items: readonly Item[];
    agents: readonly AgentEnd[];
  },
): void {
  const { lost, duplicated, crashes, problems, uploads } = countEmulatorCase(outcome.emulator, {
    dropped: outcome.dropped.map((relativePath) => ({ folderId: 'requests', relativePath })),
    items: outcome.items,
    agents: outcome.agents,
  });
  record({ lost, duplicated, crashes });
  expect(problems).toEqual([]);
  // Each file went up once, and the request log showed it: the upload count is seen, not assumed.
  expect([...uploads].sort()).toEqual([...outcome.dropped].sort());
}

describe('local faults: the disk, the database, the folder, the file, the clock', () => {
  // Written once every case has ended; a failed case is named there, and no totals are claimed.
  afterAll(() => recordReliabilityFigures('localFaults', { injected, ...tally.summarize() }));

  const canMount = isRoot && spawnSync('mount', ['--version'], { encoding: 'utf8' }).status === 0;

  it.skipIf(!canMount)(
    'disk full while writing the database and the log: the agent keeps running and says so, nothing is corrupted, everything is delivered once space is back (tmpfs; needs root to mount)',
    async (context) => {
      const record = tally.begin('disk full');
      const home = makeTempDir('sitedrop-diskfull-');
      const small = path.join(home, 'small-disk');
      fs.mkdirSync(small);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', small]);
      if (mounted.status !== 0) {
        // Containers without CAP_SYS_ADMIN: say so rather than pretend.
        context.skip(`cannot mount a small tmpfs here (${String(mounted.stderr).trim()})`);
        return;
      }
      onTestFinished(() => void spawnSync('umount', ['-l', small]));
      const { watchDir, configPath, emulator } = await startLoop(home);
      const dataDir = path.join(small, 'data');
      const env = cliEnvironment(home, { SITEDROP_CLIENT_SECRET: DEMO_CLIENT_SECRET });
      const args = ['agent', '--data-dir', dataDir, '--config', configPath];
      const first = new CliProcess(args, env);
      await first.waitForOutput('Stop:');
      fs.writeFileSync(path.join(watchDir, 'before.pdf'), 'before the disk filled');
      await waitFor(() => fs.existsSync(path.join(emulator.rootDir, 'Documents', 'before.pdf')), {
        timeoutMs: 15_000,
        description: 'the first file delivered',
      });
      // Fill the data directory's file system to the last byte.
      const filler = path.join(small, 'filler');
      const handle = fs.openSync(filler, 'w');
      const block = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) fs.writeSync(handle, block);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
      try {
        for (;;) fs.writeSync(handle, block, 0, 512);
      } catch {
        // full to the last block
      } finally {
        fs.closeSync(handle);
      }
      count('disk full (database)');
      const names = Array.from({ length: 30 }, (_, index) => `while-full-${index}.pdf`);
      for (const name of names) {
        fs.writeFileSync(path.join(watchDir, name), crypto.randomBytes(20_000));
      }
      // The agent keeps running and says on stderr what is wrong and what to do.
      await waitFor(
        () => first.stderr.includes('free disk space') || first.child.exitCode !== null,
        {
          timeoutMs: 15_000,
          description: 'the agent to say the disk is full',
        },
      );
      await sleep(1_000);
      expect(first.child.exitCode, first.stderr).toBeNull();
      expect(first.child.signalCode).toBeNull();
      expect(first.stderr).toContain('free disk space');
      fs.rmSync(filler);
      // With space back, every file arrives exactly once, without a restart.
      await waitFor(() => remoteNames(emulator).length === names.length + 1, {
        timeoutMs: 30_000,
        description: 'every file delivered after space came back',
      });
      expect(remoteNames(emulator)).toEqual(['before.pdf', ...names].sort());
      const firstEnd = await stopAgentProcess(first);
      expect(firstEnd).toMatchObject({ exitCode: 0 });
      expect(integrityOf(path.join(dataDir, 'sitedrop.db'))).toBe('ok');
      // A restart finds the database whole.
      const second = new CliProcess(args, env);
      await second.waitForOutput('Stop:');
      const secondEnd = await stopAgentProcess(second);
      expect(second.stdout).not.toContain('database was damaged');
      expect(integrityOf(path.join(dataDir, 'sitedrop.db'))).toBe('ok');
      expectNothingLost(record, {
        emulator,
        dropped: ['before.pdf', ...names],
        items: readItems(dataDir),
        agents: [firstEnd, secondEnd],
      });
    },
    90_000,
  );

  it('a database corrupted between runs is moved aside and rebuilt; files already in SharePoint are not sent twice', async () => {
    const record = tally.begin('database corrupted');
    const thrown = watchForCrashes();
    const home = makeTempDir('sitedrop-corrupt-');
    const { watchDir, configPath, emulator } = await startLoop(home);
    const dataDir = path.join(home, 'data');
    const first = await startInProcessAgent(dataDir, configPath);
    for (const name of ['a.pdf', 'b.pdf', 'c.pdf']) {
      fs.writeFileSync(path.join(watchDir, name), crypto.randomBytes(5_000));
    }
    await waitFor(() => deliveredNames(first).length === 3, {
      timeoutMs: 15_000,
      description: 'three files delivered',
    });
    await first.close();
    // Damage a page in the middle of the file, as a failing disk would.
    const databaseFile = path.join(dataDir, 'sitedrop.db');
    const bytes = fs.readFileSync(databaseFile);
    crypto.randomFillSync(bytes, 4_096, Math.min(8_192, bytes.length - 4_096));
    fs.writeFileSync(databaseFile, bytes);
    count('database corrupted');
    fs.writeFileSync(path.join(watchDir, 'd.pdf'), 'dropped after the damage');

    const second = await startInProcessAgent(dataDir, configPath);
    expect(second.recovery).toBeDefined();
    expect(fs.existsSync(second.recovery!.movedTo)).toBe(true);
    await waitFor(() => deliveredNames(second).length === 4, {
      timeoutMs: 20_000,
      description: 'every file delivered again after recovery',
    });
    // The three that were already there were recognised, not uploaded again.
    expect(remoteNames(emulator)).toEqual(['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf']);
    expect(
      second.store.readEventsSince(0, 1_000).some((event) => event.type === 'database.recovered'),
    ).toBe(true);
    const items = listAllItems(second.store);
    expectNothingLost(record, {
      emulator,
      dropped: ['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf'],
      items,
      agents: [await closeInProcessAgents([first, second], thrown)],
    });
  });

  it('a watched folder deleted and recreated while the agent runs: reported, watched again, later files delivered', async () => {
    const record = tally.begin('watched folder deleted');
    const thrown = watchForCrashes();
    const home = makeTempDir('sitedrop-folder-');
    const { watchDir, configPath, emulator } = await startLoop(home);
    const agent = await startInProcessAgent(path.join(home, 'data'), configPath);
    fs.writeFileSync(path.join(watchDir, 'first.pdf'), 'first');
    await waitFor(() => deliveredNames(agent).length === 1, { description: 'first delivered' });
    fs.rmSync(watchDir, { recursive: true });
    count('watched folder deleted');
    await waitFor(() => agent.intake.folderHealth().requests?.isAvailable === false, {
      description: 'the folder reported unavailable',
    });
    fs.mkdirSync(watchDir);
    fs.writeFileSync(path.join(watchDir, 'after.pdf'), 'after the folder came back');
    await waitFor(() => deliveredNames(agent).includes('after.pdf'), {
      timeoutMs: 15_000,
      description: 'the file in the recreated folder delivered',
    });
    expect(agent.intake.folderHealth().requests?.isAvailable).toBe(true);
    expect(remoteNames(emulator)).toEqual(['after.pdf', 'first.pdf']);
    const items = listAllItems(agent.store);
    expectNothingLost(record, {
      emulator,
      dropped: ['first.pdf', 'after.pdf'],
      items,
      agents: [await closeInProcessAgents([agent], thrown)],
    });
  });

  it('a file nobody may read waits, is never quarantined or lost, and goes once it is readable; the others are not held up (the agent runs as an unprivileged user, since root ignores modes)', async (context) => {
    const record = tally.begin('file unreadable');
    if (isRoot) {
      // The unprivileged user must be able to run Node and read the checkout; where Node or
      // the checkout sits under root's own 0700 home, it cannot, and the case cannot be shown.
      const probe = spawnSync(process.execPath, [sitedropBin, 'help'], {
        uid: 65_534,
        gid: 65_534,
        encoding: 'utf8',
      });
      if (probe.status !== 0) {
        context.skip(
          `the unprivileged user cannot run ${process.execPath} ${sitedropBin} (${probe.error?.message ?? probe.stderr.trim()})`,
        );
      }
    }
    const home = makeTempDir('sitedrop-unreadable-');
    const { watchDir, configPath, emulator } = await startLoop(home);
    const dataDir = path.join(home, 'data');
    // Root reads any file whatever its mode, so as root run the agent as "nobody".
    const uid = isRoot ? 65_534 : undefined;
    if (uid !== undefined) {
      spawnSync('chown', ['-R', `${uid}:${uid}`, home]);
      fs.chmodSync(home, 0o755);
    }
    const env = cliEnvironment(home, { SITEDROP_CLIENT_SECRET: DEMO_CLIENT_SECRET });
    const agent = new CliProcess(['agent', '--data-dir', dataDir, '--config', configPath], env, {
      ...(uid !== undefined ? { uid, gid: uid } : {}),
    });
    await agent.waitForOutput('Stop:');
    const locked = path.join(watchDir, 'locked.pdf');
    fs.writeFileSync(locked, 'not readable yet');
    fs.chmodSync(locked, 0o000);
    if (uid !== undefined) fs.chownSync(locked, uid, uid);
    count('file unreadable');
    for (const name of ['one.pdf', 'two.pdf']) {
      fs.writeFileSync(path.join(watchDir, name), name);
      if (uid !== undefined) fs.chownSync(path.join(watchDir, name), uid, uid);
    }
    await waitFor(() => remoteNames(emulator).length === 2, {
      timeoutMs: 15_000,
      description: 'the readable files delivered',
    });
    await sleep(1_000);
    expect(remoteNames(emulator)).toEqual(['one.pdf', 'two.pdf']);
    expect(fs.readdirSync(watchDir)).toContain('locked.pdf');
    fs.chmodSync(locked, 0o644);
    await waitFor(() => remoteNames(emulator).length === 3, {
      timeoutMs: 15_000,
      description: 'the file delivered once readable',
    });
    expect(fs.readFileSync(path.join(emulator.rootDir, 'Documents', 'locked.pdf'), 'utf8')).toBe(
      'not readable yet',
    );
    const end = await stopAgentProcess(agent);
    expect(end).toMatchObject({ exitCode: 0 });
    expectNothingLost(record, {
      emulator,
      dropped: ['locked.pdf', 'one.pdf', 'two.pdf'],
      items: readItems(dataDir),
      agents: [end],
    });
  });

  it('the wall clock jumping back a day does not make a waiting retry wait a day', async () => {
    const record = tally.begin('clock jumped back');
    const thrown = watchForCrashes();
    const home = makeTempDir('sitedrop-clock-');
    const { watchDir, configPath, emulator } = await startLoop(home);
    let offsetMs = 0;
    const clock: Clock = { ...systemClock, now: () => Date.now() + offsetMs };
    const agent = await startInProcessAgent(path.join(home, 'data'), configPath, clock);
    // Two failures spend the in-process retry: the item waits in the store (about a second).
    emulator.faults.add({ method: 'PUT', path: '/content', status: 503, times: 2 });
    fs.writeFileSync(path.join(watchDir, 'late.pdf'), 'late');
    const waiting = await waitFor(
      () => listAllItems(agent.store).find((item) => item.state === 'retrying'),
      { timeoutMs: 10_000, description: 'a stored retry' },
    );
    expect(waiting.nextAttemptAt).not.toBeNull();
    offsetMs = -86_400_000;
    count('clock jumped back a day');
    await waitFor(() => deliveredNames(agent).includes('late.pdf'), {
      timeoutMs: 10_000,
      description: 'the retry to happen within seconds, not a day',
    });
    expect(remoteNames(emulator)).toEqual(['late.pdf']);
    const items = listAllItems(agent.store);
    expectNothingLost(record, {
      emulator,
      dropped: ['late.pdf'],
      items,
      agents: [await closeInProcessAgents([agent], thrown)],
    });
  });
});
