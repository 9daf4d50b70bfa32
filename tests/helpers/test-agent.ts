import fs from 'node:fs';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { ConfigInput } from '../../src/shared/config-schema.ts';
import { startAgent, type Agent } from '../../src/main/core/agent.ts';
import type { Item, Store } from '../../src/main/core/store/index.ts';
import { makeTempDir } from './temp-dir.ts';

type FolderInput = NonNullable<ConfigInput['folders']>[number];

/** Options of a test agent: folders without ids and paths get them. */
export interface TestAgentOptions {
  /** Watched folders; `id` defaults to `folder-N`, `path` to a fresh temp folder. */
  folders?: Partial<FolderInput>[];
  /** Other config sections, merged over fast test defaults. */
  config?: Omit<ConfigInput, 'folders'>;
  /** Reuse a data directory (to restart an agent on the same database). */
  dataDir?: string;
}

/** A running in-process agent on temp directories, closed when the test finishes. */
export interface TestAgent {
  agent: Agent;
  dataDir: string;
  /** The watched folders' paths, in config order. */
  folderPaths: string[];
}

/**
 * Starts the whole agent in-process (real SQLite, real fs.watch) on temp directories, with short
 * stability windows so tests stay fast. The config is written to the user config file
 * (DATA_DIR/config.json), as the Settings screen would; no policy file is read.
 */
export async function startTestAgent(options: TestAgentOptions = {}): Promise<TestAgent> {
  const root = makeTempDir('sitedrop-agent-');
  const dataDir = options.dataDir ?? path.join(root, 'data');
  const folders = (options.folders ?? [{}]).map((folder, index) => {
    const folderPath = folder.path ?? path.join(root, `folder-${index + 1}`);
    if (!folder.path) fs.mkdirSync(folderPath, { recursive: true });
    return { id: `folder-${index + 1}`, stabilityWindowMs: 200, ...folder, path: folderPath };
  });
  const userConfig: ConfigInput = {
    ...options.config,
    intake: { folderCheckIntervalMs: 200, ...options.config?.intake },
    folders,
  };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify(userConfig, null, 2));
  const agent = await restartTestAgent(dataDir);
  return { agent, dataDir, folderPaths: folders.map((folder) => folder.path) };
}

/** Starts an agent again on an existing data directory (and its config.json). */
export async function restartTestAgent(dataDir: string): Promise<Agent> {
  const agent = await startAgent({
    dataDir,
    defaults: {},
    policyPath: path.join(dataDir, 'no-policy.json'),
  });
  onTestFinished(() => agent.close('test finished'));
  return agent;
}

/** Every item in the store, newest first. */
export function listAllItems(store: Store): Item[] {
  return store.listItems({ limit: Number.MAX_SAFE_INTEGER });
}
