import fs from 'node:fs';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { Agent } from '../../src/main/core/agent.ts';
import type { Item } from '../../src/main/core/store/index.ts';
import type { GraphEmulator, RequestRecord } from '../../tools/graph-emulator/index.ts';
import type { CliProcess } from '../helpers/cli.ts';

/** Lost, duplicated and crashed, as counted from one case of a file-dropping suite. */
export interface LossFigures {
  lost: number;
  duplicated: number;
  crashes: number;
}

/** How one agent ended: a child process, or an agent run inside the test process. */
export type AgentEnd =
  | {
      kind: 'process';
      exitCode: number | null;
      signal: NodeJS.Signals | null;
      /** True when the test sent the signal that ended it (SIGTERM for a graceful stop). */
      isStopRequested: boolean;
    }
  | {
      kind: 'in-process';
      /** Unhandled rejections and uncaught exceptions while it ran, and a close() that threw. */
      errors: readonly unknown[];
    };

/** A file a case dropped, by its watched folder and its path there. */
export interface DroppedFile {
  folderId: string;
  relativePath: string;
}

/** One of the agent's items at the end of a case, as far as counting needs it. */
export interface EndedItem extends DroppedFile {
  state: string;
  lastErrorMessage: string | null;
  /** Where SharePoint holds the file, relative to the library (from the item's link), if sent. */
  remotePath: string | null;
}

/** What one case left behind: what it dropped, and where each file ended up. */
export interface CaseOutcome {
  dropped: readonly DroppedFile[];
  /** The files the library holds at the end, relative to it. */
  remoteFiles: readonly string[];
  /** One entry per upload SharePoint completed, by path relative to the library. */
  uploads: readonly string[];
  /** The agent's items at the end. */
  items: readonly EndedItem[];
  /** Every agent the case started. */
  agents: readonly AgentEnd[];
}

/** States that tell the user why a file was not delivered: it is accounted for, not lost. */
const accountedStates = new Set(['quarantined', 'failed', 'skipped']);

/**
 * Counts a case's lost, duplicated and crashed from its outcome; `problems` names each one.
 *
 * Lost: a dropped file with neither a delivered item whose file the library holds nor an item
 * saying why not (quarantined, failed or skipped, with a message). Duplicated: each extra copy,
 * whether a second item for one file, a file in the library that no delivered item accounts for
 * (a conflict copy such as "a 1.pdf"), or a second upload to one path. Crashes: see
 * countCrashes. Local names are compared exactly, as the file system keeps them ("a.txt" and
 * "A.txt" are two files); names in the library also exactly, as SharePoint reports them.
 */
export function countCaseFigures(outcome: CaseOutcome): LossFigures & { problems: string[] } {
  const problems: string[] = [];
  const figures = { lost: 0, duplicated: 0, crashes: 0 };
  const localKey = (file: DroppedFile) => `${file.folderId}/${file.relativePath}`;
  const remote = new Set(outcome.remoteFiles);
  const itemsByFile = groupBy(outcome.items, localKey);
  const deliveredPaths = new Set(
    outcome.items.flatMap((item) =>
      item.state === 'delivered' && item.remotePath ? [item.remotePath] : [],
    ),
  );

  for (const file of outcome.dropped) {
    const items = itemsByFile.get(localKey(file)) ?? [];
    const hasArrived = items.some(
      (item) => item.state === 'delivered' && item.remotePath && remote.has(item.remotePath),
    );
    const isExplained = items.some(
      (item) => accountedStates.has(item.state) && Boolean(item.lastErrorMessage),
    );
    if (!hasArrived && !isExplained) {
      figures.lost += 1;
      problems.push(
        `lost: ${localKey(file)} is in the library under no delivered item, and no item says why ` +
          `(${items.map((item) => item.state).join(', ') || 'no item'})`,
      );
    }
  }
  for (const [file, items] of itemsByFile) {
    if (items.length > 1) {
      figures.duplicated += items.length - 1;
      problems.push(`duplicated: ${items.length} items for ${file}`);
    }
  }
  for (const file of outcome.remoteFiles) {
    if (!deliveredPaths.has(file)) {
      figures.duplicated += 1;
      problems.push(`duplicated: ${file} in the library is no delivered item's (a second copy?)`);
    }
  }
  for (const [file, uploads] of groupBy(outcome.uploads, (upload) => upload)) {
    if (uploads.length > 1) {
      figures.duplicated += uploads.length - 1;
      problems.push(`duplicated: ${file} uploaded ${uploads.length} times`);
    }
  }
  const crashed = countCrashes(outcome.agents);
  figures.crashes = crashed.crashes;
  problems.push(...crashed.problems);
  return { ...figures, problems };
}

/** The agent's items as counting sees them, each with where its file sits in `library`. */
function endedItems(items: readonly Item[], library: string): EndedItem[] {
  return items.map((item) => ({
    folderId: item.folderId,
    relativePath: item.relativePath,
    state: item.state,
    lastErrorMessage: item.lastErrorMessage,
    remotePath: libraryPathOf(item.remoteUrl, library),
  }));
}

/** Every file under a library folder on disk (the emulator's), relative to it with '/'. */
function libraryFiles(libraryRoot: string): string[] {
  if (!fs.existsSync(libraryRoot)) return [];
  return (fs.readdirSync(libraryRoot, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(libraryRoot, path.join(entry.parentPath, entry.name)))
    .map((relative) => relative.split(path.sep).join('/'));
}

/**
 * Counts a case run against the Graph emulator, whose library is `Documents`: where the agent's
 * items say each dropped file went, what the library holds and what its request log shows was
 * uploaded. Returns the uploads too, so a suite can check that it saw them.
 */
export function countEmulatorCase(
  emulator: GraphEmulator,
  outcome: {
    dropped: readonly DroppedFile[];
    items: readonly Item[];
    agents: readonly AgentEnd[];
  },
): LossFigures & { problems: string[]; uploads: string[] } {
  const uploads = completedSimpleUploads(emulator.requestLog);
  const counted = countCaseFigures({
    dropped: outcome.dropped,
    remoteFiles: libraryFiles(path.join(emulator.rootDir, 'Documents')),
    uploads,
    items: endedItems(outcome.items, 'Documents'),
    agents: outcome.agents,
  });
  return { ...counted, uploads };
}

/**
 * Where a delivered item's file sits, relative to its library, from the item's link
 * (`https://host/sites/site/<library>/<path>`, each segment percent-encoded).
 */
export function libraryPathOf(remoteUrl: string | null, library: string): string | null {
  if (!remoteUrl) return null;
  const segments = new URL(remoteUrl).pathname.split('/').map(decodeURIComponent);
  const libraryIndex = segments.indexOf(library);
  return libraryIndex < 0 ? null : segments.slice(libraryIndex + 1).join('/');
}

/**
 * Counts the crashes among agents that have ended: a process that ended other than by the test's
 * own stop with exit code 0, and each error an agent in the test process threw where nobody
 * catches it.
 */
export function countCrashes(agents: readonly AgentEnd[]): { crashes: number; problems: string[] } {
  const problems: string[] = [];
  let crashes = 0;
  agents.forEach((agent, index) => {
    if (agent.kind === 'in-process') {
      crashes += agent.errors.length;
      for (const error of agent.errors) {
        problems.push(`crash: agent ${index} threw ${String(error)}`);
      }
    } else if (!(agent.isStopRequested && agent.exitCode === 0)) {
      crashes += 1;
      problems.push(
        `crash: agent process ${index} ended with ${agent.exitCode ?? agent.signal ?? 'nothing'}` +
          (agent.isStopRequested ? ' when asked to stop' : ' by itself'),
      );
    }
  });
  return { crashes, problems };
}

/** Stops an agent process gracefully (SIGTERM) unless it has ended already, and says how it ended. */
export async function stopAgentProcess(agent: CliProcess): Promise<AgentEnd> {
  const isRunning = agent.child.exitCode === null && agent.child.signalCode === null;
  if (isRunning) agent.child.kill('SIGTERM');
  await agent.exited;
  return {
    kind: 'process',
    exitCode: agent.child.exitCode,
    signal: agent.child.signalCode,
    isStopRequested: isRunning,
  };
}

/**
 * The simple uploads SharePoint completed, by path relative to the library, from the emulator's
 * request log: a PUT to `/drives/{id}/root:/{path}:/content` that got a 2xx answer. Upload
 * sessions name their file only when created, so files sent in fragments are not counted here.
 */
export function completedSimpleUploads(requestLog: readonly RequestRecord[]): string[] {
  const uploads: string[] = [];
  for (const record of requestLog) {
    const match = /\/root:\/(.+):\/content$/.exec(record.path);
    if (record.method !== 'PUT' || !match?.[1] || record.aborted) continue;
    if (record.status >= 200 && record.status < 300) uploads.push(decodeURIComponent(match[1]));
  }
  return uploads;
}

/** Closes agents run in the test process; what they or the process threw counts as crashes. */
export async function closeInProcessAgents(
  agents: readonly Agent[],
  thrown: () => readonly unknown[],
): Promise<AgentEnd> {
  const errors: unknown[] = [];
  for (const agent of agents) {
    await agent.close('case finished').catch((error: unknown) => errors.push(error));
  }
  return { kind: 'in-process', errors: [...errors, ...thrown()] };
}

/**
 * Watches the test process for what would end an agent's process: an unhandled rejection or an
 * uncaught exception. Returns what it saw so far; stops watching when the test finishes.
 */
export function watchForCrashes(): () => readonly unknown[] {
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  onTestFinished(() => {
    process.off('unhandledRejection', onError);
    process.off('uncaughtException', onError);
  });
  return () => [...errors];
}

/** How a case of a suite ended: its counted figures count only if it passed. */
type CaseState = 'pass' | 'fail' | 'skip';

/** The figures a suite puts in the reliability report. */
export type SuiteSummary<F extends { [K in keyof F]: number }> =
  | {
      isComplete: true;
      /** Sums over the cases that ran; absent when every case was skipped. */
      totals?: F;
      byCase: Record<string, F | 'skipped'>;
    }
  | {
      isComplete: false;
      /** Cases that failed, or ended before their figures were counted. */
      failed: string[];
      byCase: Record<string, F | 'skipped' | 'failed'>;
    };

/**
 * The per-case figures of one suite, summed only once every case that ran has passed: a suite
 * with a failed case reports which, and no totals, so a report never claims zeros it did not see.
 */
export class CaseTally<F extends { [K in keyof F]: number }> {
  readonly #cases = new Map<string, { figures?: F; state?: CaseState }>();

  /**
   * Starts counting the current test as case `name`; call first thing in the test. Returns the
   * function that records its figures once they are counted (before they are asserted).
   */
  begin(name: string): (figures: F) => void {
    // Two cases under one name would merge their figures.
    if (this.#cases.has(name)) throw new Error(`case "${name}" is counted twice`);
    this.#cases.set(name, {});
    onTestFinished(({ task }) => {
      const state = task.result?.state;
      this.finish(name, state === 'pass' ? 'pass' : state === 'skip' ? 'skip' : 'fail');
    });
    return (figures) => this.record(name, figures);
  }

  /** Records case `name`'s counted figures. */
  record(name: string, figures: F): void {
    this.#cases.set(name, { ...this.#cases.get(name), figures });
  }

  /** Records how case `name` ended. */
  finish(name: string, state: CaseState): void {
    this.#cases.set(name, { ...this.#cases.get(name), state });
  }

  /** Totals over the cases, or which cases failed. */
  summarize(): SuiteSummary<F> {
    const byCase: Record<string, F | 'skipped' | 'failed'> = {};
    const failed: string[] = [];
    let totals: F | undefined;
    for (const [name, { figures, state }] of this.#cases) {
      if (state === 'skip') {
        byCase[name] = 'skipped';
      } else if (state === 'pass' && figures) {
        byCase[name] = figures;
        totals = totals ? addFigures(totals, figures) : { ...figures };
      } else {
        failed.push(name);
        byCase[name] = figures ?? 'failed';
      }
    }
    if (failed.length > 0) return { isComplete: false, failed, byCase };
    return {
      isComplete: true,
      ...(totals ? { totals } : {}),
      byCase: byCase as Record<string, F | 'skipped'>,
    };
  }
}

function addFigures<F extends { [K in keyof F]: number }>(left: F, right: F): F {
  const sum = { ...left };
  for (const name of Object.keys(right) as (keyof F)[]) {
    sum[name] = ((sum[name] ?? 0) + right[name]) as F[keyof F];
  }
  return sum;
}

function groupBy<T>(values: readonly T[], keyOf: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const key = keyOf(value);
    groups.set(key, [...(groups.get(key) ?? []), value]);
  }
  return groups;
}
