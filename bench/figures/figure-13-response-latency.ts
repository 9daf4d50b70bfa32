import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ConfigInput } from '../../src/shared/config-schema.ts';
import { emulatorConfigLayer } from '../../src/main/cli/demo-command.ts';
import type { AgentProcessArguments, ReportedEvent } from '../processes/agent-process.ts';
import { alternateRuns } from '../lib/alternate-runs.ts';
import { startBenchChild } from '../lib/bench-child.ts';
import { startEmulatorProcess, type EmulatorProcess } from '../lib/delivery-runs.ts';
import { emulatorClientSecret } from '../lib/emulator-client.ts';
import { atMost, type Figure, type FigureContext } from '../lib/figure.ts';
import { pollUntil } from '../lib/poll-until.ts';
import { summarize } from '../lib/statistics.ts';

const agentEntry = new URL('../processes/agent-process.ts', import.meta.url);
const bareEntry = new URL('../processes/bare-response-loop-process.ts', import.meta.url);
const remoteFolder = 'Answers';

interface Check {
  startedAtMs: number;
  endedAtMs: number;
}

/** A fresh emulator process with the remote folder made (a first file in it). */
async function startEmulatorWithFolder(context: FigureContext, root: string, seedFile: string) {
  const emulator = await startEmulatorProcess(context, root);
  await emulator.child.call('putFile', {
    remotePath: `${remoteFolder}/seed.bin`,
    sourceFile: seedFile,
  });
  return emulator;
}

/** Latencies (ms) of the real agent: each file put, then a check, until its response.ready. */
async function runAgent(
  context: FigureContext,
  root: string,
  emulator: EmulatorProcess,
  sourceFile: string,
  count: number,
): Promise<number[]> {
  const config = {
    folders: [
      {
        id: 'bench',
        path: path.join(root, 'watched'),
        target: { folderPath: 'Incoming' },
        responses: {
          enabled: true,
          remotePath: remoteFolder,
          localFolder: path.join(root, 'responses'),
        },
      },
    ],
    responses: { minimumFreeBytes: 0 },
    ...emulatorConfigLayer(emulator.info),
  } as ConfigInput;
  fs.mkdirSync(path.join(root, 'watched'), { recursive: true });
  const args: AgentProcessArguments = {
    dataDir: path.join(root, 'data'),
    config,
    clientSecret: emulatorClientSecret,
    reportEvents: ['response.ready', 'response.failed'],
  };
  const child = await startBenchChild(agentEntry, {
    args,
    cpu: context.pinning.subjectCpu,
    nodeFlags: context.subjectNodeFlags,
  });
  const events: ReportedEvent[] = [];
  child.onNotice('events', (data) => events.push(...(data as ReportedEvent[])));
  try {
    // The first check only takes the delta link (what is there already is not brought).
    await child.call<Check>('checkResponses');
    const latencies: number[] = [];
    for (let index = 0; index < count; index += 1) {
      await emulator.child.call('putFile', {
        remotePath: `${remoteFolder}/answer ${index}.bin`,
        sourceFile,
      });
      const check = await child.call<Check>('checkResponses');
      await child.call('flushEvents');
      await pollUntil(
        () => events.length > index,
        30_000,
        () => `answer ${index} was not brought`,
      );
      const ready = events[index];
      if (ready?.type !== 'response.ready') throw new Error(`SiteDrop failed answer ${index}`);
      latencies.push(ready.atMs - check.startedAtMs);
    }
    return latencies;
  } finally {
    await child.close();
  }
}

/** Latencies (ms) of the bare loop: each file put, then one check that brings it. */
async function runBare(
  context: FigureContext,
  root: string,
  emulator: EmulatorProcess,
  sourceFile: string,
  count: number,
): Promise<number[]> {
  const bare = await startBenchChild(bareEntry, {
    args: { emulator: emulator.info, remoteFolder },
    cpu: context.pinning.subjectCpu,
  });
  try {
    const latencies: number[] = [];
    for (let index = 0; index < count; index += 1) {
      await emulator.child.call('putFile', {
        remotePath: `${remoteFolder}/answer ${index}.bin`,
        sourceFile,
      });
      const check = await bare.call<Check & { count: number }>('check', {
        localFolder: path.join(root, 'responses'),
      });
      if (check.count !== 1) throw new Error(`the bare loop brought ${check.count} files`);
      latencies.push(check.endedAtMs - check.startedAtMs);
    }
    return latencies;
  } finally {
    await bare.close();
  }
}

/**
 * Figure 13: a file head office puts into the responses folder, until it is ready in the local
 * folder, minus the poll wait (each check is asked for right after the put): the real agent's
 * check (delta, inbox, download, verify, link into place) against a bare loop doing delta +
 * download + fsync + rename with node:https; p50 latency.
 */
export const figureResponseLatency: Figure = {
  id: 13,
  name: 'remote file → local file ready, minus the poll wait',
  target: 'p50 ≤ baseline p50 + 50 ms',
  baselineDescription:
    'a bare loop: GET the stored delta link, then the download URL, one GET streamed into a file, fsync, rename (node:https, keep-alive)',
  async run(context) {
    const count = context.profile === 'full' ? 50 : 5;
    const sourceFile = path.join(context.workDirectory, 'answer.bin');
    fs.mkdirSync(context.workDirectory, { recursive: true });
    fs.writeFileSync(sourceFile, crypto.randomBytes(64 * 1024));
    const side =
      (name: string, measure: typeof runAgent) =>
      async (index: number): Promise<number[]> => {
        const root = path.join(context.workDirectory, `${name}-${index}`);
        const emulator = await startEmulatorWithFolder(context, root, sourceFile);
        try {
          return await measure(context, root, emulator, sourceFile, count);
        } finally {
          await emulator.close();
          fs.rmSync(root, { recursive: true, force: true });
        }
      };
    const runs = await alternateRuns({
      warmups: context.warmups,
      runs: context.runs,
      log: context.log,
      baseline: side('baseline', runBare),
      subject: side('agent', runAgent),
    });
    const subject = summarize(runs.subject.flat());
    const baseline = summarize(runs.baseline.flat());
    return {
      checks: [
        atMost(
          {
            name: 'put → ready, p50',
            unit: 'ms',
            value: subject,
            baseline,
            target: '≤ baseline p50 + 50 ms',
          },
          baseline.median + 50,
        ),
      ],
      notes: [
        `${count} files of 64 KiB per run, one at a time: each put into the emulator's ${remoteFolder} folder, then a check asked for at once (the poll wait left out). SiteDrop's time runs from the start of its check to response.ready (after COMMIT); the bare loop's from the start of its delta request to the rename. A fresh emulator process per run.`,
      ],
    };
  },
};
