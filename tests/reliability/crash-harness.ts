import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { emulatorConfigLayer } from '../../src/main/cli/demo-command.ts';
import {
  DEMO_CLIENT_SECRET,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
  type GraphEmulator,
} from '../../tools/graph-emulator/index.ts';
import { CliProcess, cliEnvironment } from '../helpers/cli.ts';
import { sleep } from '../helpers/wait-for.ts';
import { hashFile } from '../integration/delivery/harness.ts';
import { Prng } from './prng.ts';

/** How big a crash/restart run is. */
export interface CrashProfile {
  name: string;
  /** SIGKILL/restart cycles. */
  cycles: number;
  /** Small files (1 B … 96 KiB) dropped over the run. */
  smallFiles: number;
  /** Medium files (simple upload limit … 3 MiB): a few chunks each. */
  mediumFiles: number;
  /** Large files (8 … 20 MiB): many chunks each. */
  largeFiles: number;
  /** How long the final, unkilled run may take to deliver everything. */
  settleTimeoutMs: number;
}

/** Where a kill landed, as far as the harness could see. */
export type KillPhase = 'intake' | 'mid-chunk' | 'after-last-chunk' | 'random';

/** What a run found. lost, duplicated, corrupted, stuck and prematureLocalMoves must be 0. */
export interface CrashReport {
  profile: string;
  seed: number;
  cycles: number;
  files: number;
  bytes: number;
  kills: Record<KillPhase, number>;
  delivered: number;
  lost: number;
  duplicated: number;
  corrupted: number;
  stuck: number;
  /** Files found archived while SharePoint did not yet hold them, byte-identical. */
  prematureLocalMoves: number;
  /** Agent exits other than our SIGKILL (crashes). */
  crashes: number;
  durationMs: number;
  /** How long the final agent took to start on everything the run left behind. */
  finalStartupMs: number;
  problems: string[];
}

/** A file the harness dropped, with what SharePoint must end up holding. */
interface PlannedFile {
  folderId: 'plain' | 'archived';
  relativePath: string;
  sizeBytes: number;
  sha256: string;
  quickXorHash: string;
  isDropped: boolean;
}

const chunkSizeBytes = 2 * 327_680;
const simpleUploadMaxBytes = 512 * 1024;
const targetFolders = { plain: 'Plain', archived: 'Archived' } as const;

/**
 * The crash/restart harness (issue 8): the real `sitedrop agent` as a child process against an
 * in-process Graph emulator, a stream of files, and SIGKILL at chosen moments, then a restart;
 * finally one unkilled run settles everything, and SharePoint, the store and the local folders
 * are compared with what was dropped.
 */
export async function runCrashRestart(options: {
  home: string;
  profile: CrashProfile;
  seed: number;
  log?: (line: string) => void;
}): Promise<CrashReport> {
  const { home, profile, seed } = options;
  const log = options.log ?? (() => undefined);
  const startedAt = Date.now();
  const random = new Prng(seed);
  const dataDir = path.join(home, 'data');
  const watchRoot = path.join(home, 'watched');
  const folderPaths = {
    plain: path.join(watchRoot, 'plain'),
    archived: path.join(watchRoot, 'archived'),
  };
  for (const folder of Object.values(folderPaths)) fs.mkdirSync(folder, { recursive: true });
  const emulator = await startGraphEmulator({
    ...buildDefaultEmulatorOptions(path.join(home, 'sharepoint')),
    caFile: path.join(home, 'ca.pem'),
  });
  const report: CrashReport = {
    profile: profile.name,
    seed,
    cycles: 0,
    files: 0,
    bytes: 0,
    kills: {
      intake: 0,
      'mid-chunk': 0,
      'after-last-chunk': 0,
      random: 0,
    },
    delivered: 0,
    lost: 0,
    duplicated: 0,
    corrupted: 0,
    stuck: 0,
    prematureLocalMoves: 0,
    crashes: 0,
    durationMs: 0,
    finalStartupMs: 0,
    problems: [],
  };
  try {
    const configPath = path.join(home, 'config.json');
    fs.writeFileSync(
      configPath,
      JSON.stringify({
        folders: (['plain', 'archived'] as const).map((id) => ({
          id,
          path: folderPaths[id],
          stabilityWindowMs: 150,
          target: { folderPath: targetFolders[id] },
          afterUpload: { action: id === 'archived' ? 'archive' : 'keep' },
        })),
        ...emulatorConfigLayer(emulator),
        intake: { reconcileIntervalMs: 5_000, folderCheckIntervalMs: 1_000 },
        delivery: {
          concurrency: 4,
          chunkSizeBytes,
          simpleUploadMaxBytes,
          retry: { inProcessDelaysMs: [50, 100], storedDelayMinMs: 1_000, storedDelayMaxMs: 2_000 },
        },
        log: { level: 'info' },
      }),
    );
    const env = cliEnvironment(home, { SITEDROP_CLIENT_SECRET: DEMO_CLIENT_SECRET });
    const args = ['agent', '--data-dir', dataDir, '--config', configPath];
    const plan = planFiles(profile, random);
    report.files = plan.length;
    report.bytes = plan.reduce((sum, file) => sum + file.sizeBytes, 0);
    const batches = splitIntoBatches(plan, profile.cycles, random);
    const checkedArchives = new Set<string>();

    for (let cycle = 0; cycle < profile.cycles; cycle += 1) {
      const batch = batches[cycle] ?? [];
      // Some files arrive while the agent is down (catch-up scan), the rest while it runs.
      const whileDown = batch.filter(() => random.next() < 0.3);
      const whileUp = batch.filter((file) => !whileDown.includes(file));
      whileDown.forEach((file) => dropFile(folderPaths, file, seed));
      const requestMark = emulator.requestLog.at(-1)?.sequence ?? 0;
      const agent = new CliProcess(args, env);
      const phase = random.pick<KillPhase>(['intake', 'mid-chunk', 'after-last-chunk', 'random']);
      const landed = await killAt(phase, {
        agent,
        emulator,
        random,
        requestMark,
        dropFiles: () => whileUp.forEach((file) => dropFile(folderPaths, file, seed)),
        isPending: () =>
          plan.some((file) => file.isDropped && file.sizeBytes > simpleUploadMaxBytes),
        dataDir,
      });
      const exitSignal = await new Promise<NodeJS.Signals | null>((resolve) => {
        if (agent.child.exitCode !== null || agent.child.signalCode !== null) {
          resolve(agent.child.signalCode);
        } else agent.child.once('exit', (_code, signal) => resolve(signal));
      });
      emulator.faults.clear();
      if (exitSignal !== 'SIGKILL') {
        report.crashes += 1;
        report.problems.push(
          `cycle ${cycle}: the agent exited by itself (${agent.child.exitCode}): ${agent.stderr.slice(-2_000)}`,
        );
      }
      whileUp.forEach((file) => dropFile(folderPaths, file, seed));
      report.kills[landed] += 1;
      report.cycles += 1;
      report.prematureLocalMoves += checkArchive(
        folderPaths.archived,
        emulator,
        plan,
        checkedArchives,
        report,
      );
      log(`cycle ${cycle + 1}/${profile.cycles}: killed (${landed})`);
    }

    // The final run: nobody kills it; everything must settle.
    const final = new CliProcess(args, env);
    const finalStartedAt = Date.now();
    // Wait until it is up (signal handlers installed), so the SIGTERM below is a graceful stop.
    await final.waitForOutput('Stop:', profile.settleTimeoutMs).catch((error: unknown) => {
      report.problems.push(`the final agent did not start: ${String(error)}`);
    });
    report.finalStartupMs = Date.now() - finalStartedAt;
    const deadline = Date.now() + profile.settleTimeoutMs;
    for (;;) {
      report.prematureLocalMoves += checkArchive(
        folderPaths.archived,
        emulator,
        plan,
        checkedArchives,
        report,
      );
      const states = readStates(dataDir);
      const isSettled =
        states.length >= plan.length && states.every((item) => item.state === 'delivered');
      if (isSettled) break;
      if (final.child.exitCode !== null) {
        report.crashes += 1;
        report.problems.push(`the final agent exited: ${final.stderr.slice(-2_000)}`);
        break;
      }
      if (Date.now() > deadline) {
        const counts = new Map<string, number>();
        for (const item of states) counts.set(item.state, (counts.get(item.state) ?? 0) + 1);
        report.problems.push(
          `not settled after ${profile.settleTimeoutMs} ms: ${JSON.stringify([...counts])}`,
        );
        break;
      }
      await sleep(250);
    }
    // Give after-upload actions for the last deliveries a moment, then stop gracefully.
    await sleep(1_000);
    report.prematureLocalMoves += checkArchive(
      folderPaths.archived,
      emulator,
      plan,
      checkedArchives,
      report,
    );
    final.child.kill('SIGTERM');
    const finalExit = await final.exited;
    if (finalExit !== 0) {
      report.crashes += 1;
      report.problems.push(
        `the final agent stopped with ${finalExit}: ${final.stderr.slice(-2_000)}`,
      );
    }
    verifyOutcome({ report, plan, emulator, dataDir, folderPaths });
  } finally {
    await emulator.close();
    report.durationMs = Date.now() - startedAt;
  }
  return report;
}

/** Waits for the chosen moment, kills the agent, and says where the kill actually landed. */
async function killAt(
  phase: KillPhase,
  context: {
    agent: CliProcess;
    emulator: GraphEmulator;
    random: Prng;
    requestMark: number;
    dropFiles: () => void;
    isPending: () => boolean;
    dataDir: string;
  },
): Promise<KillPhase> {
  const { agent, emulator, random, requestMark } = context;
  const newRequests = () => emulator.requestLog.filter((record) => record.sequence > requestMark);
  const kill = () => agent.child.kill('SIGKILL');
  const isAlive = () => agent.child.exitCode === null && agent.child.signalCode === null;
  await agent.waitForOutput('Stop:', 30_000).catch(() => undefined);
  if (!isAlive()) return 'random';
  switch (phase) {
    case 'intake': {
      // Drop a batch and kill while the agent stabilises, hashes and commits it.
      context.dropFiles();
      await sleep(random.integer(150, 700));
      kill();
      return 'intake';
    }
    case 'mid-chunk': {
      context.dropFiles();
      if (!context.isPending()) break;
      // Hold fragments so that the kill lands while one is on the wire.
      emulator.faults.add({ method: 'PUT', path: '/_upload/', delayMs: 200 });
      const inFlight = await poll(
        () =>
          newRequests().some(
            (record) =>
              record.method === 'PUT' &&
              record.path.startsWith('/_upload/') &&
              record.endedAt === 0,
          ),
        8_000,
      );
      if (!inFlight) break;
      await sleep(random.integer(0, 150));
      kill();
      return 'mid-chunk';
    }
    case 'after-last-chunk': {
      context.dropFiles();
      // Kill the moment SharePoint answered an upload (the last fragment or a simple PUT),
      // polled every millisecond: usually before the agent has read and recorded the answer.
      const isCompleted = (record: (typeof emulator.requestLog)[number]) =>
        record.method === 'PUT' &&
        (record.status === 200 || record.status === 201) &&
        (record.path.startsWith('/_upload/') || record.path.endsWith('/content'));
      const completed = await poll(() => newRequests().find(isCompleted), 8_000, 1);
      if (!completed) break;
      kill();
      return 'after-last-chunk';
    }
    case 'random':
      break;
  }
  context.dropFiles();
  await sleep(random.integer(200, 2_500));
  kill();
  return 'random';
}

async function poll<T>(condition: () => T | undefined | false, timeoutMs: number, intervalMs = 10) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = condition();
    if (value !== undefined && value !== false) return value;
    await sleep(intervalMs);
  }
  return undefined;
}

function planFiles(profile: CrashProfile, random: Prng): PlannedFile[] {
  const files: PlannedFile[] = [];
  const add = (sizeBytes: number, index: number, kind: string) => {
    const folderId = random.next() < 0.5 ? 'plain' : 'archived';
    const subfolder = random.pick(['', 'north-yard/', 'south-yard/crane 2/']);
    files.push({
      folderId,
      relativePath: `${subfolder}${kind}-${String(index).padStart(5, '0')}.bin`,
      sizeBytes,
      sha256: '',
      quickXorHash: '',
      isDropped: false,
    });
  };
  for (let index = 0; index < profile.smallFiles; index += 1) {
    add(random.integer(1, 96 * 1024), index, 'small');
  }
  for (let index = 0; index < profile.mediumFiles; index += 1) {
    add(random.integer(simpleUploadMaxBytes + 1, 3 * 1024 * 1024), index, 'medium');
  }
  for (let index = 0; index < profile.largeFiles; index += 1) {
    add(random.integer(8 * 1024 * 1024, 20 * 1024 * 1024), index, 'large');
  }
  return random.shuffle(files);
}

function splitIntoBatches(plan: PlannedFile[], cycles: number, random: Prng): PlannedFile[][] {
  const batches: PlannedFile[][] = Array.from({ length: cycles }, () => []);
  // Spread over the first cycles so that the last few kill an agent with work still in hand.
  const spreadOver = Math.max(1, Math.ceil(cycles * 0.8));
  for (const file of plan) batches[random.integer(0, spreadOver - 1)]?.push(file);
  return batches;
}

/** Writes a planned file's deterministic bytes (once) and records its hashes. */
function dropFile(
  folderPaths: Record<'plain' | 'archived', string>,
  file: PlannedFile,
  seed: number,
) {
  if (file.isDropped) return;
  const filePath = path.join(folderPaths[file.folderId], ...file.relativePath.split('/'));
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const content = fileContent(`${seed}:${file.folderId}:${file.relativePath}`, file.sizeBytes);
  // Written under a temp name and renamed, as a scanner or a copy tool would finish a file.
  const partial = `${filePath}.part`;
  fs.writeFileSync(partial, content);
  fs.renameSync(partial, filePath);
  file.sha256 = crypto.createHash('sha256').update(content).digest('hex');
  file.quickXorHash = hashFile(filePath);
  file.isDropped = true;
}

function fileContent(key: string, sizeBytes: number): Buffer {
  // AES-CTR over zeros: fast, incompressible, deterministic per key.
  const keyBytes = crypto.createHash('sha256').update(key).digest();
  const cipher = crypto.createCipheriv('aes-256-ctr', keyBytes, Buffer.alloc(16));
  return cipher.update(Buffer.alloc(sizeBytes));
}

interface StoredState {
  folderId: string;
  relativePath: string;
  state: string;
}

/** The items in the store, read-only (beside a running agent, as `sitedrop status` does). */
function readStates(dataDir: string): StoredState[] {
  const file = path.join(dataDir, 'sitedrop.db');
  if (!fs.existsSync(file)) return [];
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    return db
      .prepare('SELECT folder_id AS folderId, relative_path AS relativePath, state FROM items')
      .all() as StoredState[];
  } catch {
    return [];
  } finally {
    db?.close();
  }
}

/** Every file under a folder, relative, with '/' separators. */
function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    );
}

/**
 * Rule 5 (docs/architecture.md): a file found in the archive must already be in SharePoint,
 * byte-identical. Returns how many archived files were not.
 */
function checkArchive(
  archivedFolder: string,
  emulator: GraphEmulator,
  plan: PlannedFile[],
  checked: Set<string>,
  report: CrashReport,
): number {
  let premature = 0;
  const archiveRoot = path.join(archivedFolder, 'Sent');
  for (const relative of listFiles(archiveRoot)) {
    if (checked.has(relative)) continue;
    checked.add(relative);
    // Sent/YYYY-MM-DD/<relative path>
    const originalPath = relative.split('/').slice(1).join('/');
    const planned = plan.find(
      (file) => file.folderId === 'archived' && file.relativePath === originalPath,
    );
    const remote = path.join(
      emulator.rootDir,
      'Documents',
      targetFolders.archived,
      ...originalPath.split('/'),
    );
    if (!planned || !fs.existsSync(remote) || sha256File(remote) !== planned.sha256) {
      premature += 1;
      report.problems.push(`archived before SharePoint held it: ${relative}`);
    }
  }
  return premature;
}

function sha256File(filePath: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(filePath)).digest('hex');
}

function verifyOutcome(context: {
  report: CrashReport;
  plan: PlannedFile[];
  emulator: GraphEmulator;
  dataDir: string;
  folderPaths: Record<'plain' | 'archived', string>;
}): void {
  const { report, plan, emulator, dataDir, folderPaths } = context;
  const library = path.join(emulator.rootDir, 'Documents');
  const remoteFiles = new Set(listFiles(library));
  // Sent/YYYY-MM-DD/<relative path>, by relative path.
  const archivedCopies = new Map<string, string[]>();
  for (const relative of listFiles(path.join(folderPaths.archived, 'Sent'))) {
    const original = relative.split('/').slice(1).join('/');
    archivedCopies.set(original, [...(archivedCopies.get(original) ?? []), relative]);
  }
  const expected = new Set<string>();
  for (const file of plan) {
    const remoteRelative = `${targetFolders[file.folderId]}/${file.relativePath}`;
    expected.add(remoteRelative.toLowerCase());
    const remotePath = path.join(library, ...remoteRelative.split('/'));
    if (!remoteFiles.has(remoteRelative)) {
      report.lost += 1;
      report.problems.push(`lost: ${file.folderId}/${file.relativePath}`);
      continue;
    }
    const stat = fs.statSync(remotePath);
    if (
      stat.size !== file.sizeBytes ||
      sha256File(remotePath) !== file.sha256 ||
      hashFile(remotePath) !== file.quickXorHash
    ) {
      report.corrupted += 1;
      report.problems.push(`not byte-identical: ${remoteRelative}`);
      continue;
    }
    report.delivered += 1;
    // The local side: kept in place, or archived once (never deleted, never left behind).
    const localPath = path.join(folderPaths[file.folderId], ...file.relativePath.split('/'));
    if (file.folderId === 'plain' && !fs.existsSync(localPath)) {
      report.problems.push(`local file gone from a keep folder: ${file.relativePath}`);
    }
    if (file.folderId === 'archived') {
      const archived = archivedCopies.get(file.relativePath) ?? [];
      if (archived.length !== 1 || fs.existsSync(localPath)) {
        report.problems.push(
          `archive of ${file.relativePath}: ${archived.length} copies, in place: ${fs.existsSync(localPath)}`,
        );
      }
    }
  }
  // Anything else in the library is a second copy (a "name 1.bin" from a conflict rename).
  for (const remote of remoteFiles) {
    if (!expected.has(remote.toLowerCase())) {
      report.duplicated += 1;
      report.problems.push(`duplicate in SharePoint: ${remote}`);
    }
  }
  // The store: one delivered item per file, nothing else.
  const states = readStates(dataDir);
  const byFile = new Map<string, StoredState[]>();
  for (const item of states) {
    const key = `${item.folderId}/${item.relativePath}`;
    byFile.set(key, [...(byFile.get(key) ?? []), item]);
  }
  for (const item of states) {
    if (item.state !== 'delivered') {
      report.stuck += 1;
      report.problems.push(`stuck: ${item.folderId}/${item.relativePath} is ${item.state}`);
    }
  }
  for (const [key, items] of byFile) {
    if (items.length > 1) report.problems.push(`${items.length} items for ${key}`);
  }
  for (const file of plan) {
    if (!byFile.has(`${file.folderId}/${file.relativePath}`)) {
      report.problems.push(`no item for ${file.folderId}/${file.relativePath}`);
    }
  }
}
