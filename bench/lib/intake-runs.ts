import fs from 'node:fs';
import path from 'node:path';
import type { AgentProcessArguments, ReportedEvent } from '../processes/agent-process.ts';
import type { BaselineIntakeArguments } from '../processes/baseline-intake-process.ts';
import { startBenchChild, type BenchChild } from './bench-child.ts';
import type { FigureContext } from './figure.ts';
import { pollUntil } from './poll-until.ts';

/** When each file was queued (crossProcessNowMs), and how often a path was queued again. */
export interface IntakeRun {
  queuedAtMs: Map<string, number>;
  duplicateCount: number;
  /** Items in the store at the end (agent) or rows (baseline). */
  itemCount: number;
  distinctPaths: number;
}

/** Drops files into a folder and returns when each drop started (crossProcessNowMs), by name. */
export type Dropper = (folder: string) => Promise<Map<string, number>>;

const agentEntry = new URL('../processes/agent-process.ts', import.meta.url);
const baselineEntry = new URL('../processes/baseline-intake-process.ts', import.meta.url);

/** The agent config the intake figures use: one folder, delivery not configured (items wait). */
export function intakeAgentConfig(folder: string, stabilityWindowMs: number) {
  return {
    folders: [{ id: 'bench', path: folder, stabilityWindowMs }],
    intake: { reconcileIntervalMs: 3_600_000 },
  };
}

/**
 * The agent in its own process (pinned to the subject core) on an existing data directory and
 * watched folder, with intake's bench config and no event reports: what the memory, tree and
 * dashboard figures start on their prepared trees.
 */
export function startIntakeAgent(
  context: FigureContext,
  tree: { dataDir: string; folder: string },
): Promise<BenchChild> {
  return startBenchChild(agentEntry, {
    args: {
      dataDir: tree.dataDir,
      config: intakeAgentConfig(tree.folder, 2_000),
      reportEvents: [],
    } satisfies AgentProcessArguments,
    cpu: context.pinning.subjectCpu,
    nodeFlags: context.subjectNodeFlags,
  });
}

/**
 * One intake run of the real agent in its own process (pinned to the subject core): start it on
 * a fresh data directory and empty folder, drop the files, wait until `expected` are queued.
 */
export async function runAgentIntake(
  context: FigureContext,
  options: {
    runName: string;
    stabilityWindowMs: number;
    expected: number;
    drop: Dropper;
    timeoutMs: number;
  },
): Promise<IntakeRun & { droppedAtMs: Map<string, number> }> {
  const root = path.join(context.workDirectory, options.runName);
  const folder = path.join(root, 'folder');
  fs.mkdirSync(folder, { recursive: true });
  const args: AgentProcessArguments = {
    dataDir: path.join(root, 'data'),
    config: intakeAgentConfig(folder, options.stabilityWindowMs),
    reportEvents: ['item.queued'],
  };
  const child = await startBenchChild(agentEntry, {
    args,
    cpu: context.pinning.subjectCpu,
    nodeFlags: context.subjectNodeFlags,
  });
  try {
    const collected = collectQueued(child);
    const droppedAtMs = await options.drop(folder);
    await waitForCount(child, collected, options.expected, options.timeoutMs);
    const stats = await child.call<{ itemCount: number; distinctPaths: number }>('stats');
    return { ...collected.result, ...stats, droppedAtMs };
  } finally {
    await child.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** One run of the baseline intake (fs.watch + INSERT) in its own process on the subject core. */
export async function runBaselineIntake(
  context: FigureContext,
  options: {
    runName: string;
    mode: BaselineIntakeArguments['mode'];
    expected: number;
    drop: Dropper;
    timeoutMs: number;
  },
): Promise<IntakeRun & { droppedAtMs: Map<string, number> }> {
  const root = path.join(context.workDirectory, options.runName);
  const folder = path.join(root, 'folder');
  fs.mkdirSync(folder, { recursive: true });
  const args: BaselineIntakeArguments = {
    folder,
    databaseFile: path.join(root, 'baseline.db'),
    mode: options.mode,
  };
  const child = await startBenchChild(baselineEntry, { args, cpu: context.pinning.subjectCpu });
  try {
    const collected = collectQueued(child);
    const droppedAtMs = await options.drop(folder);
    await waitForCount(child, collected, options.expected, options.timeoutMs);
    const stats = await child.call<{ itemCount: number }>('stats');
    return {
      ...collected.result,
      itemCount: stats.itemCount,
      distinctPaths: stats.itemCount,
      droppedAtMs,
    };
  } finally {
    await child.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function collectQueued(child: BenchChild) {
  const result = { queuedAtMs: new Map<string, number>(), duplicateCount: 0 };
  child.onNotice('events', (data) => {
    for (const event of data as (ReportedEvent | { path: string; atMs: number })[]) {
      if (event.path === undefined) continue;
      if (result.queuedAtMs.has(event.path)) result.duplicateCount += 1;
      else result.queuedAtMs.set(event.path, event.atMs);
    }
  });
  return { result };
}

async function waitForCount(
  child: BenchChild,
  collected: { result: { queuedAtMs: Map<string, number> } },
  expected: number,
  timeoutMs: number,
): Promise<void> {
  await pollUntil(
    () => collected.result.queuedAtMs.size >= expected,
    timeoutMs,
    () =>
      `only ${collected.result.queuedAtMs.size} of ${expected} files were queued within ${timeoutMs} ms`,
  );
  await child.call('flushEvents');
}
