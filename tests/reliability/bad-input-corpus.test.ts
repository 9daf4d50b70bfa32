import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ConfigInput } from '../../src/shared/config-schema.ts';
import { emulatorConfigLayer, MemorySecretStore } from '../../src/main/cli/demo-command.ts';
import { startAgent } from '../../src/main/core/agent.ts';
import { secretNames } from '../../src/main/core/platform.ts';
import type { Item } from '../../src/main/core/store/index.ts';
import {
  DEMO_CLIENT_SECRET,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
} from '../../tools/graph-emulator/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { listAllItems } from '../helpers/test-agent.ts';
import { sleep } from '../helpers/wait-for.ts';
import {
  CaseTally,
  closeInProcessAgents,
  countEmulatorCase,
  watchForCrashes,
  type LossFigures,
} from './case-figures.ts';
import { recordReliabilityFigures } from './report.ts';

/** One case of tests/corpus/*.json (see the $comment of each file). */
interface CorpusCase {
  name?: string;
  nameBytesHex?: string;
  repeat?: number;
  extension?: string;
  depth?: number;
  file?: string;
  kind?: string;
  sizeBytes?: number;
  json?: unknown;
  raw?: string;
  rawBytesHex?: string;
  generate?: 'huge' | 'nested';
  expect: 'delivered' | 'quarantined' | 'ignored' | 'absent';
  target?: string;
  targetMaxChars?: number;
  targetEndsWith?: string;
  sameTargetAs?: string;
  code?: string;
  reasonIncludes?: string | string[];
}

function readCorpus(name: string): CorpusCase[] {
  const file = new URL(`../corpus/${name}`, import.meta.url);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: CorpusCase[] }).cases;
}

const folderTargets = {
  names: 'Names',
  strict: 'Strict',
  files: 'Files',
  requests: 'Requests',
  good: 'Good',
} as const;
type FolderId = keyof typeof folderTargets;

/** A case placed on disk: where it is and what must become of it. */
interface PlacedCase {
  folderId: FolderId;
  label: string;
  relativePath: string;
  spec: CorpusCase;
}

const tally = new CaseTally<LossFigures>();
let corpusShape: Record<string, unknown> = {};

describe('the bad-input corpus (tests/corpus/): every case ends in its expected state', () => {
  // Written once the run has ended; if it failed, the report says so and claims no totals.
  afterAll(() => recordReliabilityFigures('badInput', { ...corpusShape, ...tally.summarize() }));

  it('delivers with the documented name, quarantines with a reason, or ignores; and good files are never held up', async () => {
    const record = tally.begin('corpus beside good files');
    const thrown = watchForCrashes();
    const home = makeTempDir('sitedrop-corpus-');
    const outside = path.join(home, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.pdf'), 'outside the watched folder');
    const emulator = await startGraphEmulator({
      ...buildDefaultEmulatorOptions(path.join(home, 'sharepoint')),
      caFile: path.join(home, 'ca.pem'),
    });
    onTestFinished(() => emulator.close());
    const folderPath = (id: FolderId) => path.join(home, 'watched', id);
    const config: ConfigInput = {
      folders: (Object.keys(folderTargets) as FolderId[]).map((id) => ({
        id,
        path: folderPath(id),
        stabilityWindowMs: 300,
        target: { folderPath: folderTargets[id] },
        ...(id === 'strict' ? { invalidNames: 'quarantine' as const } : {}),
        ...(id === 'requests' ? { requests: { enabled: true } } : {}),
      })),
      ...emulatorConfigLayer(emulator),
      intake: { folderCheckIntervalMs: 500 },
      delivery: {
        simpleUploadMaxBytes: 100_000,
        chunkSizeBytes: 327_680,
        retry: { inProcessDelaysMs: [50, 100] },
      },
    };
    for (const id of Object.keys(folderTargets) as FolderId[]) {
      fs.mkdirSync(folderPath(id), { recursive: true });
    }
    const dataDir = path.join(home, 'data');
    const configPath = path.join(home, 'config.json');
    fs.writeFileSync(configPath, JSON.stringify(config));
    const agent = await startAgent({
      dataDir,
      defaults: {},
      configPath,
      policyPath: path.join(home, 'no-policy.json'),
      secretStore: new MemorySecretStore({ [secretNames.clientSecret]: DEMO_CLIENT_SECRET }),
    });
    onTestFinished(() => agent.close('test finished'));

    // Everything lands at once: the corpus, and 20 good files beside it.
    const placed: PlacedCase[] = [
      ...readCorpus('names.json').map((spec) => placeName('names', spec, folderPath('names'))),
      ...readCorpus('names-quarantine.json').map((spec) =>
        placeName('strict', spec, folderPath('strict')),
      ),
      ...readCorpus('requests.json').map((spec) => placeRequest(spec, folderPath('requests'))),
    ];
    const fileCases = readCorpus('files.json');
    const writer = { isDone: false };
    for (const spec of fileCases) {
      placed.push(placeFile(spec, folderPath('files'), outside, writer));
    }
    const goodFiles = Array.from({ length: 20 }, (_, index) => `order-${index + 1}.pdf`);
    for (const name of goodFiles) {
      fs.writeFileSync(path.join(folderPath('good'), name), crypto.randomBytes(2_000));
    }
    // The file that keeps changing stops changing only after 6 s: nothing may wait for it.
    const changingCase = placed.find((entry) => entry.spec.kind === 'changing');
    const stopWriter = sleep(6_000).then(() => {
      writer.isDone = true;
    });
    onTestFinished(() => stopWriter);

    const items = () => listAllItems(agent.store);
    const goodDeliveredAt = await waitForValue(() => {
      const delivered = items().filter(
        (item) => item.folderId === 'good' && item.state === 'delivered',
      );
      return delivered.length === goodFiles.length ? Date.now() : undefined;
    }, 20_000);
    expect(writer.isDone, 'the good files waited for the file that kept changing').toBe(false);
    expect(goodDeliveredAt).toBeGreaterThan(0);
    await stopWriter;

    // Then every case must reach its state.
    const deadline = Date.now() + 30_000;
    const findProblems = () =>
      placed.flatMap((entry) => checkCase(entry, items(), emulator.rootDir, folderPath));
    let problems = findProblems();
    while (problems.length > 0 && Date.now() < deadline) {
      await sleep(500);
      problems = findProblems();
    }
    expect(problems).toEqual([]);
    expect(changingCase).toBeDefined();
    // Nothing outside the library folders, and nothing from outside the watched folders.
    const library = path.join(emulator.rootDir, 'Documents');
    expect(fs.readdirSync(library).sort()).toEqual(
      Object.values(folderTargets)
        .filter((target) => fs.existsSync(path.join(library, target)))
        .sort(),
    );
    const everything = fs.readdirSync(emulator.rootDir, { recursive: true }).map(String);
    expect(everything.filter((name) => name.includes('secret'))).toEqual([]);
    expect(fs.existsSync(path.join(emulator.rootDir, 'etc'))).toBe(false);
    // No case crashed the agent: it still watches and answers.
    expect(Object.values(agent.intake.folderHealth()).every((health) => health.isAvailable)).toBe(
      true,
    );
    corpusShape = {
      cases: placed.length,
      goodFilesBeside: goodFiles.length,
      byExpectation: countBy(placed.map((entry) => entry.spec.expect)),
    };
    // Every case to deliver or quarantine, and every good file, must end accounted for.
    const mustEnd = [
      ...placed.filter((entry) => ['delivered', 'quarantined'].includes(entry.spec.expect)),
      ...goodFiles.map((relativePath) => ({ folderId: 'good', relativePath })),
    ];
    const {
      lost,
      duplicated,
      crashes,
      problems: lossProblems,
    } = countEmulatorCase(emulator, {
      dropped: mustEnd.map(({ folderId, relativePath }) => ({ folderId, relativePath })),
      items: items(),
      agents: [await closeInProcessAgents([agent], thrown)],
    });
    record({ lost, duplicated, crashes });
    expect(lossProblems).toEqual([]);
  }, 90_000);
});

function placeName(folderId: FolderId, spec: CorpusCase, folder: string): PlacedCase {
  let relativePath: string;
  if (spec.nameBytesHex) {
    const raw = Buffer.concat([Buffer.from(`${folder}/`), Buffer.from(spec.nameBytesHex, 'hex')]);
    fs.writeFileSync(raw, 'not utf-8');
    return { folderId, label: `bytes ${spec.nameBytesHex}`, relativePath: '', spec };
  }
  if (spec.repeat) {
    relativePath = `${(spec.name ?? 'x').repeat(Math.ceil(spec.repeat / 4)).slice(0, spec.repeat)}${spec.extension ?? ''}`;
  } else if (spec.depth) {
    relativePath = [
      ...Array.from(
        { length: spec.depth },
        (_, index) => `${spec.name}-${index}-${'d'.repeat(30)}`,
      ),
      'deep.pdf',
    ].join('/');
  } else relativePath = spec.name ?? '';
  const filePath = path.join(folder, ...relativePath.split('/'));
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  fs.writeFileSync(filePath, `content of ${relativePath}`);
  return { folderId, label: spec.name ?? relativePath, relativePath, spec };
}

function placeRequest(spec: CorpusCase, folder: string): PlacedCase {
  const filePath = path.join(folder, spec.file ?? 'request.json');
  let content: Buffer;
  if (spec.json !== undefined) content = Buffer.from(JSON.stringify(spec.json, null, 2));
  else if (spec.raw !== undefined) content = Buffer.from(spec.raw);
  else if (spec.rawBytesHex !== undefined) content = Buffer.from(spec.rawBytesHex, 'hex');
  else if (spec.generate === 'huge') {
    content = Buffer.from(
      JSON.stringify({
        request_id: 'REQ-HUGE',
        device_id: 'tablet-1',
        timestamp: '2026-11-21T09:30:00Z',
        parts: [{ part_number: 'HX-220', quantity: 1 }],
        padding: 'x'.repeat(spec.sizeBytes ?? 1_100_000),
      }),
    );
  } else content = Buffer.from(`${'['.repeat(spec.depth ?? 10)}${']'.repeat(spec.depth ?? 10)}`);
  fs.writeFileSync(filePath, content);
  return { folderId: 'requests', label: spec.file ?? '', relativePath: spec.file ?? '', spec };
}

function placeFile(
  spec: CorpusCase,
  folder: string,
  outside: string,
  writer: { isDone: boolean },
): PlacedCase {
  const name = spec.file ?? 'file';
  const filePath = path.join(folder, name);
  switch (spec.kind) {
    case 'bytes':
      fs.writeFileSync(filePath, crypto.randomBytes(spec.sizeBytes ?? 0));
      break;
    case 'sparse': {
      const handle = fs.openSync(filePath, 'w');
      fs.ftruncateSync(handle, (spec.sizeBytes ?? 1) - 5);
      fs.writeSync(handle, Buffer.from('tail!'), 0, 5, (spec.sizeBytes ?? 1) - 5);
      fs.closeSync(handle);
      break;
    }
    case 'symlink-inside':
      fs.writeFileSync(path.join(folder, 'link-target.bin'), 'the target itself is delivered');
      fs.symlinkSync(path.join(folder, 'link-target.bin'), filePath);
      break;
    case 'symlink-outside':
      fs.symlinkSync(path.join(outside, 'secret.pdf'), filePath);
      break;
    case 'symlink-folder-outside':
      fs.symlinkSync(outside, filePath);
      break;
    case 'hardlink-inside':
      fs.writeFileSync(path.join(folder, 'hardlink-original.bin'), 'one inode, two names');
      fs.linkSync(path.join(folder, 'hardlink-original.bin'), filePath);
      break;
    case 'hardlink-outside':
      fs.writeFileSync(path.join(outside, 'hard.bin'), 'an inode that lives outside');
      fs.linkSync(path.join(outside, 'hard.bin'), filePath);
      break;
    case 'changing': {
      fs.writeFileSync(filePath, 'line 0\n');
      let line = 1;
      const timer = setInterval(() => {
        if (writer.isDone) {
          clearInterval(timer);
          return;
        }
        fs.appendFileSync(filePath, `line ${line++}\n`);
      }, 100);
      onTestFinished(() => clearInterval(timer));
      break;
    }
    case 'vanishing':
      fs.writeFileSync(filePath, 'here for a moment');
      setTimeout(() => fs.rmSync(filePath, { force: true }), 50);
      break;
  }
  return { folderId: 'files', label: name, relativePath: name, spec };
}

/** What is wrong with a case now; empty when it is in its expected state. */
function checkCase(
  entry: PlacedCase,
  items: Item[],
  remoteRoot: string,
  folderPath: (id: FolderId) => string,
): string[] {
  const { spec, folderId } = entry;
  const label = `${folderId}: ${JSON.stringify(entry.label)}`;
  const mine = items.filter(
    (item) => item.folderId === folderId && item.relativePath === entry.relativePath,
  );
  const remoteBase = path.join(remoteRoot, 'Documents', folderTargets[folderId]);
  switch (spec.expect) {
    case 'ignored': {
      const others = entry.relativePath
        ? mine
        : items.filter((item) => item.folderId === folderId && item.relativePath.includes('bad-'));
      return others.length === 0 ? [] : [`${label}: should be ignored, is ${others[0]?.state}`];
    }
    case 'absent': {
      const delivered = mine.filter((item) => item.state === 'delivered');
      const remote = path.join(remoteBase, entry.relativePath);
      return delivered.length === 0 && !fs.existsSync(remote)
        ? []
        : [`${label}: vanished before it was finished, yet delivered`];
    }
    case 'quarantined': {
      const item = mine[0];
      if (mine.length !== 1 || item?.state !== 'quarantined') {
        return [
          `${label}: expected quarantined, found ${mine.map((i) => i.state).join(',') || 'no item'}`,
        ];
      }
      const problems: string[] = [];
      if (item.lastErrorCode !== spec.code) {
        problems.push(`${label}: code ${item.lastErrorCode}, expected ${spec.code}`);
      }
      const errorFile = path.join(
        folderPath(folderId),
        '_quarantine',
        ...`${entry.relativePath}.error.txt`.split('/'),
      );
      const explanation = fs.existsSync(errorFile) ? fs.readFileSync(errorFile, 'utf8') : '';
      if (!explanation) problems.push(`${label}: no ${errorFile}`);
      const reasons = [spec.reasonIncludes ?? []].flat();
      for (const reason of reasons) {
        if (!explanation.includes(reason)) {
          problems.push(`${label}: the explanation does not mention ${reason}:\n${explanation}`);
        }
      }
      if (fs.existsSync(path.join(remoteBase, entry.relativePath))) {
        problems.push(`${label}: quarantined, yet sent`);
      }
      return problems;
    }
    case 'delivered': {
      const delivered = mine.filter((item) => item.state === 'delivered');
      if (delivered.length !== 1) {
        return [
          `${label}: expected one delivered item, found ${mine.map((i) => `${i.state} ${i.lastErrorCode ?? ''}`).join(',') || 'no item'}`,
        ];
      }
      const item = delivered[0]!;
      const targetName = (item.targetPath ?? '').slice(folderTargets[folderId].length + 1);
      const problems: string[] = [];
      if (spec.target !== undefined && targetName !== spec.target) {
        problems.push(
          `${label}: target ${JSON.stringify(targetName)}, documented ${JSON.stringify(spec.target)}`,
        );
      }
      const lastSegment = targetName.split('/').at(-1) ?? '';
      if (spec.targetMaxChars !== undefined && lastSegment.length > spec.targetMaxChars) {
        problems.push(`${label}: target name of ${lastSegment.length} characters`);
      }
      if (spec.targetEndsWith !== undefined && !lastSegment.endsWith(spec.targetEndsWith)) {
        problems.push(`${label}: target ${lastSegment} lost its extension`);
      }
      const local = path.join(folderPath(folderId), ...entry.relativePath.split('/'));
      // Names equal but for case collide in SharePoint: the conflict rule renames one; find
      // the copy by its link.
      const remote = spec.sameTargetAs
        ? path.join(remoteBase, decodeURIComponent(item.remoteUrl?.split('/').at(-1) ?? ''))
        : path.join(remoteBase, ...targetName.split('/'));
      if (!fs.existsSync(remote) || !fs.readFileSync(remote).equals(fs.readFileSync(local))) {
        problems.push(`${label}: SharePoint does not hold the same bytes at ${remote}`);
      }
      return problems;
    }
  }
}

async function waitForValue<T>(condition: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(50);
  }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
